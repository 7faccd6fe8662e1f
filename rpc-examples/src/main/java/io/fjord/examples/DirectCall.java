package io.fjord.examples;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Example 4, direct: a call to one specific server ({@code prepare(server, false)} routes to the
 * {@code <topic>.<server>} queue), as a scheduler does when it picks a host. The scheduler asks
 * every compute host for its free memory, chooses the one with the most, and builds the instance
 * there. Exits non-zero when the instance lands anywhere else.
 */
public final class DirectCall {
  private DirectCall() {
  }

  /** Each host's free memory in MB. */
  static final Map<String, Integer> HOSTS = hosts();

  private static Map<String, Integer> hosts() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("compute-1", 2048);
    m.put("compute-2", 8192);
    m.put("compute-3", 4096);
    return m;
  }

  /** What a host reports. */
  public record Capacity(String host, int freeRamMb) {
  }

  /** A compute host's endpoint. */
  public static final class ComputeHost {
    private final String host;
    private int freeRamMb;
    private final Tally builds;

    ComputeHost(String host, int freeRamMb, Tally builds) {
      this.host = host;
      this.freeRamMb = freeRamMb;
      this.builds = builds;
    }

    @RpcMethod("get_capacity")
    public synchronized Capacity capacity() {
      return new Capacity(host, freeRamMb);
    }

    @RpcMethod("build_instance")
    public synchronized String buildInstance(String name, @Param("ram_mb") int ramMb) {
      freeRamMb -= ramMb;
      builds.add(host, name);
      return name + " built on " + host + ", " + freeRamMb + " MB free now";
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) {
    String topic = "fjord_compute_" + id;
    Tally builds = new Tally();
    try (Transport transport = Transport.open(TransportUrl.parse(url), Brokers.ownExchange(id))) {
      HOSTS.forEach((host, ram) -> RpcServer.builder(transport, Target.topic(topic).withServer(host))
          .endpoint(new ComputeHost(host, ram, builds))
          .build()
          .start());
      out.println("3 compute hosts on topic " + topic + ": " + HOSTS.keySet());
      RpcClient compute = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();
      RequestContext ctx = RequestContext.builder().requestId("req-" + id).build();

      out.println("scheduler: asking every host for its capacity (a call to each server)");
      Capacity best = null;
      for (String host : HOSTS.keySet()) {
        Capacity c = compute.prepare(host, false).call(ctx, "get_capacity", Map.of(), Capacity.class);
        out.println("  " + host + " -> " + c.freeRamMb() + " MB free");
        if (best == null || c.freeRamMb() > best.freeRamMb()) {
          best = c;
        }
      }
      out.println("scheduler: choosing " + best.host());
      String reply = compute.prepare(best.host(), false)
          .call(ctx, "build_instance", Map.of("name", "vm-" + id, "ram_mb", 1024), String.class);
      out.println("call build_instance on " + best.host() + " -> " + reply);

      boolean ok = best.host().equals("compute-2") && builds.get("compute-2").equals(List.of("vm-" + id))
          && builds.all().size() == 1;
      out.println(ok ? "OK: the instance was built on the chosen host, and only there."
          : "FAILED: chose " + best.host() + ", builds per host " + builds.snapshot());
      return ok;
    } finally {
      Declared.by(url, id).rpcTopic(topic, HOSTS.keySet()).delete(out);
    }
  }
}
