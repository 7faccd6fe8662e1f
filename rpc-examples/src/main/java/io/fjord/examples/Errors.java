package io.fjord.examples;

import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.annotation.ExpectedExceptions;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.client.CallOptions;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Example 8, errors: an exception raised by a remote endpoint comes back to the caller. A client
 * that allowed the type ({@link RpcClient.Builder#allowRemoteException}) gets that Java type; any
 * other type arrives as {@link RemoteException} with the remote class, module, message and trace
 * (nothing named by the wire is ever instantiated otherwise). A call nobody answers ends with
 * {@link MessagingTimeoutException} within its timeout, and a call that runs longer than its
 * call-monitor timeout stays alive because the server sends heartbeats every half of it.
 * Exits non-zero when an outcome differs.
 */
public final class Errors {
  private Errors() {
  }

  /** How long {@code long_task} runs: longer than the call-monitor timeout below. */
  static final Duration LONG_TASK = Duration.ofSeconds(3);
  static final Duration CALL_MONITOR = Duration.ofSeconds(2);

  /** An error type both sides know; a client may allow it to be rethrown as itself. */
  public static final class InstanceNotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InstanceNotFound(String message) {
      super(message);
    }
  }

  /** The server's endpoint. */
  public static final class Inventory {
    @RpcMethod("get_instance")
    @ExpectedExceptions(InstanceNotFound.class)
    public String getInstance(@Param("instance_id") String instanceId) {
      if (!instanceId.equals("vm-1")) {
        throw new InstanceNotFound("Instance " + instanceId + " could not be found.");
      }
      return "vm-1 (ACTIVE)";
    }

    /** Throws a type no client allowed; expected here, so the server logs it at debug level only. */
    @ExpectedExceptions(IllegalStateException.class)
    public void resize(@Param("instance_id") String instanceId) {
      throw new IllegalStateException("Instance " + instanceId + " is locked");
    }

    @RpcMethod("long_task")
    public String longTask(long seconds) throws InterruptedException {
      Thread.sleep(seconds * 1000); // the long-running work
      return "finished after " + seconds + " s";
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) {
    String topic = "fjord_errors_" + id;
    List<String> failures = new ArrayList<>();
    try (Transport transport = Transport.open(TransportUrl.parse(url), Brokers.ownExchange(id))) {
      RpcServer.builder(transport, Target.topic(topic).withServer("inventory-1"))
          .endpoint(new Inventory())
          .build()
          .start();
      out.println("inventory-1 on topic " + topic);
      RequestContext ctx = RequestContext.builder().requestId("req-" + id).build();
      RpcClient allowing = RpcClient.builder(transport, Target.topic(topic))
          .timeout(Duration.ofSeconds(10))
          .allowRemoteException(InstanceNotFound.class)
          .build();
      RpcClient plain = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();

      out.println("1. get_instance(vm-404) on a client that allows InstanceNotFound:");
      try {
        allowing.call(ctx, "get_instance", Map.of("instance_id", "vm-404"), String.class);
        failures.add("get_instance(vm-404) returned");
      } catch (InstanceNotFound e) {
        out.println("   caught " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }

      out.println("2. the same call on a client that allows nothing:");
      try {
        plain.call(ctx, "get_instance", Map.of("instance_id", "vm-404"), String.class);
        failures.add("get_instance(vm-404) returned");
      } catch (RemoteException e) {
        out.println("   caught RemoteException: remote class " + e.remoteModule() + "." + e.remoteClass()
            + ", message \"" + e.remoteMessage() + "\"");
        if (!e.remoteClass().equals("InstanceNotFound")) {
          failures.add("remote class " + e.remoteClass());
        }
      }

      out.println("3. resize(vm-1), which throws IllegalStateException (not allowed) on the server:");
      try {
        allowing.call(ctx, "resize", Map.of("instance_id", "vm-1"), Void.class);
        failures.add("resize returned");
      } catch (RemoteException e) {
        out.println("   caught RemoteException: " + e.getMessage());
        out.println("   remote trace starts: " + e.remoteTraceback().get(0).strip());
        if (!e.remoteClass().equals("IllegalStateException")) {
          failures.add("remote class " + e.remoteClass());
        }
      }

      out.println("4. a call to a topic no server consumes, timeout 1 s:");
      long start = System.nanoTime();
      try {
        plain.prepare(CallOptions.builder().topic(topic + "_nobody").timeout(Duration.ofSeconds(1)).build())
            .call(ctx, "get_instance", Map.of("instance_id", "vm-1"), String.class);
        failures.add("a call to nobody returned");
      } catch (MessagingTimeoutException e) {
        out.println("   MessagingTimeoutException after " + millisSince(start) + " ms: " + e.getMessage());
      }

      out.println("5. long_task(" + LONG_TASK.toSeconds() + " s) with call-monitor timeout " + CALL_MONITOR.toSeconds()
          + " s (the server sends a heartbeat every " + CALL_MONITOR.toSeconds() / 2 + " s):");
      start = System.nanoTime();
      String result = plain.prepare(CallOptions.builder().timeout(Duration.ofSeconds(30))
              .callMonitorTimeout(CALL_MONITOR).build())
          .call(ctx, "long_task", Map.of("seconds", LONG_TASK.toSeconds()), String.class);
      long took = millisSince(start);
      out.println("   -> \"" + result + "\" after " + took + " ms, longer than the call-monitor timeout: kept alive");
      if (took < CALL_MONITOR.toMillis()) {
        failures.add("long_task took only " + took + " ms");
      }
    } finally {
      Declared.by(url, id).rpcTopic(topic, List.of("inventory-1")).delete(out);
    }
    boolean ok = failures.isEmpty();
    out.println(ok ? "OK: the allowed type was rethrown, other types arrived as RemoteException, the unanswered call "
        + "timed out, and heartbeats kept the long call alive." : "FAILED: " + failures);
    return ok;
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
