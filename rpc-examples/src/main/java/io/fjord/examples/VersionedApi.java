package io.fjord.examples;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.RpcVersionCapException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcEndpoint;
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
 * Example 6, a versioned API as OpenStack services evolve theirs: a server with two endpoints in two
 * namespaces ({@code compute} at 1.3, {@code baseapi} at 1.0); a client-side API class that sends
 * the 1.3 form of a message when {@link RpcClient#canSendVersion} allows it and falls back to the
 * 1.0 form under a version cap (a rolling upgrade pinned to 1.2); the cap refusing a 1.3 message
 * before anything is sent; and the server's {@link UnsupportedRpcVersionException} for versions it
 * does not implement (a newer minor, another major) or for a namespace at a version it lacks.
 * Exits non-zero when an outcome differs.
 */
public final class VersionedApi {
  private VersionedApi() {
  }

  /** The compute API at 1.3: {@code stop_instance} exists since 1.0, {@code clean_shutdown} since 1.3. */
  @RpcEndpoint(namespace = "compute", version = "1.3")
  public static final class ComputeManager {
    @RpcMethod("stop_instance")
    public String stopInstance(@Param("instance_id") String instanceId,
                               @Param(value = "clean_shutdown", required = false) Boolean cleanShutdown) {
      if (cleanShutdown == null) {
        return "stopped " + instanceId + " (1.0 message: default shutdown)";
      }
      return "stopped " + instanceId + (cleanShutdown ? " cleanly" : " at once");
    }
  }

  /** oslo's base API namespace, at 1.0. */
  @RpcEndpoint(namespace = "baseapi", version = "1.0")
  public static final class BaseApi {
    public String ping(String arg) {
      return "pong " + arg;
    }
  }

  /** The client side of the compute API, as a service's {@code rpcapi.py}: one method per message. */
  static final class ComputeRpcApi {
    private final RpcClient client;

    ComputeRpcApi(RpcClient client) {
      this.client = client;
    }

    /** Sends the 1.3 form when allowed, else the 1.0 form (without {@code clean_shutdown}). */
    String stopInstance(RequestContext ctx, String instanceId, boolean cleanShutdown) {
      if (client.canSendVersion("1.3")) {
        return client.prepare(CallOptions.builder().version("1.3").build())
            .call(ctx, "stop_instance", Map.of("instance_id", instanceId, "clean_shutdown", cleanShutdown), String.class);
      }
      return client.prepare(CallOptions.builder().version("1.0").build())
          .call(ctx, "stop_instance", Map.of("instance_id", instanceId), String.class);
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) {
    String topic = "fjord_versions_" + id;
    List<String> failures = new ArrayList<>();
    try (Transport transport = Transport.open(TransportUrl.parse(url), Brokers.ownExchange(id))) {
      RpcServer.builder(transport, Target.topic(topic).withServer("compute-1"))
          .endpoints(new ComputeManager(), new BaseApi())
          .build()
          .start();
      out.println("compute-1 on topic " + topic + " serves namespace compute 1.3 and namespace baseapi 1.0");
      Target compute = Target.topic(topic).withNamespace("compute");
      RequestContext ctx = RequestContext.builder().requestId("req-" + id).build();

      RpcClient current = RpcClient.builder(transport, compute).timeout(Duration.ofSeconds(10)).build();
      out.println("1. client without a version cap: canSendVersion(1.3) = " + current.canSendVersion("1.3"));
      String r1 = new ComputeRpcApi(current).stopInstance(ctx, "vm-1", true);
      out.println("   stop_instance sent as 1.3 -> " + r1);
      expect(failures, "1.3 form", r1, "stopped vm-1 cleanly");

      RpcClient pinned = RpcClient.builder(transport, compute).timeout(Duration.ofSeconds(10)).versionCap("1.2").build();
      out.println("2. client with versionCap 1.2 (rolling upgrade): canSendVersion(1.3) = " + pinned.canSendVersion("1.3"));
      String r2 = new ComputeRpcApi(pinned).stopInstance(ctx, "vm-2", true);
      out.println("   stop_instance fell back to 1.0 -> " + r2);
      expect(failures, "1.0 fallback", r2, "stopped vm-2 (1.0 message: default shutdown)");

      out.println("3. the capped client forcing version 1.3:");
      try {
        pinned.prepare(CallOptions.builder().version("1.3").build())
            .call(ctx, "stop_instance", Map.of("instance_id", "vm-3"), String.class);
        failures.add("version 1.3 above the cap 1.2 was sent");
      } catch (RpcVersionCapException e) {
        out.println("   RpcVersionCapException before sending: " + e.getMessage());
      }

      for (String version : List.of("1.4", "2.0")) {
        out.println((version.equals("1.4") ? "4" : "5") + ". a client asking for version " + version + ":");
        try {
          current.prepare(CallOptions.builder().version(version).build())
              .call(ctx, "stop_instance", Map.of("instance_id", "vm-4"), String.class);
          failures.add("version " + version + " was served");
        } catch (UnsupportedRpcVersionException e) {
          out.println("   " + e.remoteClass() + " from the server: " + e.remoteMessage());
        }
      }

      RpcClient base = RpcClient.builder(transport, Target.topic(topic).withNamespace("baseapi").withVersion("1.0"))
          .timeout(Duration.ofSeconds(10)).build();
      String r6 = base.call(ctx, "ping", Map.of("arg", "hi"), String.class);
      out.println("6. namespace baseapi 1.0: ping -> " + r6);
      expect(failures, "baseapi ping", r6, "pong hi");
      try {
        base.prepare(CallOptions.builder().version("1.1").build()).call(ctx, "ping", Map.of("arg", "hi"), String.class);
        failures.add("baseapi 1.1 was served");
      } catch (UnsupportedRpcVersionException e) {
        out.println("   namespace baseapi 1.1: " + e.remoteClass() + ": " + e.remoteMessage());
      }
    } finally {
      Declared.by(url, id).rpcTopic(topic, List.of("compute-1")).delete(out);
    }
    boolean ok = failures.isEmpty();
    out.println(ok ? "OK: the 1.3 form, the 1.0 fallback under the cap, the cap refusing 1.3, and UnsupportedVersion "
        + "for 1.4, 2.0 and baseapi 1.1." : "FAILED: " + failures);
    return ok;
  }

  private static void expect(List<String> failures, String what, String actual, String expected) {
    if (!expected.equals(actual)) {
      failures.add(what + ": expected \"" + expected + "\", got \"" + actual + "\"");
    }
  }
}
