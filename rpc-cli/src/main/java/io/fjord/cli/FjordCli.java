package io.fjord.cli;

import io.fjord.rpc.MessagingException;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.RemoteException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code fjord} command: {@code call}, {@code cast}, {@code notify}, {@code listen}, {@code ping},
 * {@code describe} and {@code serve} against any Fjord transport, for debugging services that speak oslo.messaging.
 *
 * <p>Exit codes: {@value #OK} ok, {@value #REMOTE_ERROR} remote error, {@value #TIMEOUT} timeout,
 * {@value #USAGE} bad arguments (also a missing or invalid URL), {@value #UNAVAILABLE} the broker
 * cannot be reached or the transport failed, {@value #SOFTWARE} anything else. Error messages
 * never show a password. Run {@link #main} from the shell ({@code bin/fjord}), or
 * {@link #commandLine} in process (tests). A {@code FjordCli} serves one invocation; not thread-safe.
 */
@Command(name = "fjord", mixinStandardHelpOptions = true, version = "fjord 0.1.0",
    description = "RPC and notifications in oslo.messaging's wire format: call, cast, notify, listen, ping, describe, "
        + "serve.",
    subcommands = {CallCommand.class, CastCommand.class, NotifyCommand.class, ListenCommand.class,
        PingCommand.class, DescribeCommand.class, ServeCommand.class},
    footer = {"", "The URL comes from --url or $" + Common.URL_ENV + ". Run 'fjord COMMAND --help' for a command's options."})
public final class FjordCli implements Callable<Integer> {
  public static final int OK = 0;
  public static final int REMOTE_ERROR = 1;
  public static final int TIMEOUT = 2;
  public static final int USAGE = 64;
  public static final int UNAVAILABLE = 69;
  public static final int SOFTWARE = 70;

  /** {@code scheme://user:password@}: the password part is replaced in every message printed. */
  private static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s,]*):[^@\\s]*@");

  private final Map<String, String> env;
  private final StopSignal stop;

  @Spec
  private CommandSpec spec;

  private FjordCli(Map<String, String> env, StopSignal stop) {
    this.env = Map.copyOf(env);
    this.stop = stop;
  }

  /** Runs {@code fjord} with {@code args} and exits with its exit code; SIGTERM/SIGINT stop serve and listen cleanly. */
  public static void main(String[] args) {
    StopSignal stop = new StopSignal();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.request();
      if (!stop.isAwaited()) {
        return;
      }
      try {
        stop.awaitFinished(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "fjord-shutdown"));
    int code = commandLine(System.getenv(), stop).execute(args);
    stop.finished();
    System.exit(code);
  }

  /**
   * The configured command line: {@code env} supplies {@code FJORD_TRANSPORT_URL}; {@code stop} ends
   * {@code serve} and {@code listen}. Set its out/err writers before {@code execute}.
   */
  public static CommandLine commandLine(Map<String, String> env, StopSignal stop) {
    CommandLine cmd = new CommandLine(new FjordCli(Objects.requireNonNull(env, "env"), Objects.requireNonNull(stop, "stop")));
    cmd.setUsageHelpAutoWidth(true);
    cmd.setUsageHelpLongOptionsMaxWidth(30);
    cmd.setParameterExceptionHandler(FjordCli::onBadArguments);
    cmd.setExecutionExceptionHandler(FjordCli::onFailure);
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" " + OK, "ok");
    codes.put(" " + REMOTE_ERROR, "the remote side raised an error");
    codes.put(" " + TIMEOUT, "timed out");
    codes.put(String.valueOf(USAGE), "bad arguments (also a missing or invalid URL)");
    codes.put(String.valueOf(UNAVAILABLE), "cannot reach the broker, or the transport failed");
    codes.put(String.valueOf(SOFTWARE), "internal error");
    for (CommandLine c : withSubcommands(cmd)) {
      c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    }
    return cmd;
  }

  private static Iterable<CommandLine> withSubcommands(CommandLine cmd) {
    java.util.List<CommandLine> all = new java.util.ArrayList<>();
    all.add(cmd);
    all.addAll(cmd.getSubcommands().values());
    return all;
  }

  Map<String, String> env() {
    return env;
  }

  StopSignal stop() {
    return stop;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing a command: call, cast, notify, listen, ping, describe or serve");
  }

  /** Replaces the password of every {@code scheme://user:password@} in {@code text} with {@code ****}. */
  static String redact(String text) {
    return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1:****@");
  }

  private static int onBadArguments(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(redact(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage()));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return USAGE;
  }

  private static int onFailure(Exception e, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    int code = exitCode(e);
    String what = switch (code) {
      case UNAVAILABLE -> "transport failure: ";
      case SOFTWARE -> "internal error: ";
      default -> "";
    };
    err.println(redact(cmd.getCommandSpec().qualifiedName() + ": " + what + describe(e)));
    if (e instanceof RemoteException r && !r.remoteTraceback().isEmpty() && isVerbose(parseResult)) {
      err.println("Remote traceback:");
      r.remoteTraceback().forEach(line -> err.print(redact(line)));
    }
    if (isVerbose(parseResult) || code == SOFTWARE) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(redact(trace.toString()));
    }
    err.flush();
    return code;
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  static int exitCode(Throwable e) {
    if (e instanceof RemoteException) {
      return REMOTE_ERROR;
    }
    if (e instanceof MessagingTimeoutException) {
      return TIMEOUT;
    }
    if (e instanceof MessagingException) {
      return UNAVAILABLE;
    }
    return SOFTWARE;
  }

  private static boolean isVerbose(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("-v")) {
        return true;
      }
    }
    return false;
  }
}
