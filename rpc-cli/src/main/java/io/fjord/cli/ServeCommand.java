package io.fjord.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.annotation.ExpectedExceptions;
import io.fjord.rpc.server.RpcServer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fjord serve}: a diagnostic RPC server, the counterpart of oslo's simulator rpc-server, with
 * {@code echo}, {@code sleep}, {@code fail} and oslo's ping; it prints each call as a JSON line and
 * stops cleanly on SIGTERM/SIGINT. One per invocation; not thread-safe.
 */
@Command(name = "serve", sortOptions = false,
    description = {"Run a diagnostic RPC server (echo, sleep, fail, ping) until interrupted, printing each request "
        + "as a JSON line.",
        "Stops cleanly on Ctrl-C or SIGTERM. Methods:",
        "  echo(payload)    returns payload",
        "  sleep(seconds)   waits, then returns seconds (long calls, call-monitor heartbeats)",
        "  fail(message)    raises RequestedFailure(message)",
        "  oslo_rpc_server_ping   returns \"pong\" (fjord ping)",
        "With --namespace/--version the methods (not ping) serve that namespace and version."},
    footer = {"", "Example:", "  fjord serve --topic fjord-test --server host-1 --namespace diag --version 1.2"})
final class ServeCommand implements Callable<Integer> {
  @ParentCommand
  private FjordCli root;
  @Spec
  private CommandSpec spec;
  @Mixin
  private TargetOptions target;
  @Mixin
  private Common common;

  @Override
  public Integer call() throws InterruptedException {
    Target on = target.target();
    if (on.server() == null) {
      on = on.withServer(hostName());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Transport transport = common.open(root, null)) {
      RpcServer.Builder builder = RpcServer.builder(transport, on.withNamespace(null).withVersion(null)).enablePing(true);
      Diagnostics endpoint = new Diagnostics(out);
      if (target.namespace != null || target.version != null) {
        try {
          builder.endpoint(endpoint, target.namespace, target.version == null ? "1.0" : target.version);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "--version: " + e.getMessage());
        }
      } else {
        builder.endpoint(endpoint);
      }
      RpcServer server = builder.build();
      server.start();
      err.println("fjord serve: serving " + on + " (echo, sleep, fail, oslo_rpc_server_ping); Ctrl-C to stop");
      err.flush();
      root.stop().await();
      err.println("fjord serve: stopping");
      err.flush();
      server.stop();
      if (!server.awaitTermination(transport.options().closeTimeout())) {
        err.println("fjord serve: requests still running after " + transport.options().closeTimeout().toSeconds()
            + " s; closing anyway");
      }
      server.close();
    }
    err.println("fjord serve: stopped");
    err.flush();
    return FjordCli.OK;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "fjord-serve";
    }
  }

  /** The error {@code fail(message)} raises; callers see its message and class. */
  public static final class RequestedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RequestedFailure(String message) {
      super(message);
    }
  }

  /** The diagnostic endpoint: each method prints one JSON line when it ends. Thread-safe. */
  public static final class Diagnostics {
    private final PrintWriter out;

    Diagnostics(PrintWriter out) {
      this.out = out;
    }

    public JsonNode echo(RequestContext ctx, JsonNode payload) {
      log(ctx, "echo", "payload", payload, payload, null, System.nanoTime());
      return payload;
    }

    public JsonNode sleep(RequestContext ctx, JsonNode seconds) throws InterruptedException {
      long start = System.nanoTime();
      if (!seconds.isNumber() || seconds.doubleValue() < 0) {
        IllegalArgumentException e = new IllegalArgumentException("sleep(seconds): seconds must be a number >= 0, got "
            + Json.write(seconds));
        log(ctx, "sleep", "seconds", seconds, null, e, start);
        throw e;
      }
      Thread.sleep(Duration.ofNanos((long) (seconds.doubleValue() * 1e9)).toMillis()); // the requested wait
      log(ctx, "sleep", "seconds", seconds, seconds, null, start);
      return seconds;
    }

    @ExpectedExceptions(RequestedFailure.class)
    public void fail(RequestContext ctx, String message) {
      RequestedFailure e = new RequestedFailure(message);
      log(ctx, "fail", "message", Json.MAPPER.getNodeFactory().textNode(message), null, e, System.nanoTime());
      throw e;
    }

    private void log(RequestContext ctx, String method, String argName, JsonNode arg, JsonNode result, Exception error,
                     long start) {
      ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("time", Instant.now().toString());
      line.put("method", method);
      line.putObject("args").set(argName, arg);
      if (error == null) {
        line.set("result", result);
      } else {
        line.put("error", error.getClass().getSimpleName() + ": " + error.getMessage());
      }
      line.put("ms", (System.nanoTime() - start) / 1_000_000);
      line.put("request_id", ctx.requestId());
      line.set("context", Json.context(ctx));
      out.println(Json.write(line));
      out.flush();
    }
  }
}
