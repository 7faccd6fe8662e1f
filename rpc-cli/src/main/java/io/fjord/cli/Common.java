package io.fjord.cli;

import io.fjord.rpc.NoSuchDriverException;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every command has: {@code --url} (default {@code $FJORD_TRANSPORT_URL}), {@code -v}
 * and {@code --help}; and opening the transport, where a missing or invalid URL is a usage error
 * (exit code 64) and an unreachable broker a {@link io.fjord.rpc.TransportException} (exit code 69).
 * Not thread-safe (one per command invocation).
 */
final class Common {
  /** The environment variable that holds the transport URL when {@code --url} is not given. */
  static final String URL_ENV = "FJORD_TRANSPORT_URL";

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--url", paramLabel = "URL", order = 100,
      description = "Transport URL, e.g. rabbit://user:pass@host:5672/vhost (default: $" + URL_ENV + ")")
  String url;

  @Option(names = {"-v", "--verbose"}, order = 101, description = "Log at debug level on stderr (default: warnings only)")
  boolean verbose;

  @Option(names = {"-h", "--help"}, usageHelp = true, order = 102, description = "Show this help and exit")
  boolean help;

  /** Sets the log level before the first logger exists: warnings only, or debug with {@code -v}. */
  void configureLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
  }

  /**
   * Opens the transport of {@code --url} or the environment.
   *
   * @param controlExchange the control exchange, or null for {@code openstack}
   */
  Transport open(FjordCli root, String controlExchange) {
    configureLogging();
    String raw = url != null ? url : root.env().get(URL_ENV);
    if (raw == null || raw.isBlank()) {
      throw new ParameterException(command.commandLine(), "No transport URL: pass --url URL or set " + URL_ENV
          + " (e.g. rabbit://localhost:5672/, which connects as guest)");
    }
    TransportUrl parsed;
    try {
      parsed = TransportUrl.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
    TransportOptions.Builder options = TransportOptions.builder().connectionName("fjord " + command.name());
    if (controlExchange != null) {
      options.controlExchange(controlExchange);
    }
    try {
      return Transport.open(parsed, options.build());
    } catch (NoSuchDriverException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), "Invalid transport URL " + parsed + ": " + e.getMessage());
    }
  }
}
