package io.fjord.examples;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Example 3, broadcast: a fanout cast reaches every server of a topic (each has its own queue on
 * the {@code <topic>_fanout} exchange), where an ordinary cast reaches one of them. Three cache
 * servers get {@code refresh_cache} once each from one fanout cast. Exits non-zero otherwise.
 */
public final class Broadcast {
  private Broadcast() {
  }

  static final List<String> SERVERS = List.of("cache-1", "cache-2", "cache-3");
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A cache server's endpoint. */
  public static final class Cache {
    private final String name;
    private final Tally received;
    private final PrintStream out;

    Cache(String name, Tally received, PrintStream out) {
      this.name = name;
      this.received = received;
      this.out = out;
    }

    @RpcMethod("refresh_cache")
    public void refreshCache(String reason) {
      out.println("  [" + name + "] refresh_cache(reason=" + reason + ")");
      received.add(reason, name);
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) throws InterruptedException {
    String topic = "fjord_broadcast_" + id;
    Tally received = new Tally();
    try (Transport transport = Transport.open(TransportUrl.parse(url), Brokers.ownExchange(id))) {
      for (String name : SERVERS) {
        RpcServer.builder(transport, Target.topic(topic).withServer(name))
            .endpoint(new Cache(name, received, out))
            .build()
            .start();
      }
      out.println("3 cache servers on topic " + topic);
      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(WAIT).build();
      RequestContext ctx = RequestContext.empty();

      out.println("cast refresh_cache to the topic (one server gets it):");
      client.cast(ctx, "refresh_cache", Map.of("reason", "cast"));
      boolean oneGotCast = received.await(WAIT, t -> t.count("cast") >= 1);

      out.println("fanout cast refresh_cache (every server gets it):");
      client.prepare(null, true).cast(ctx, "refresh_cache", Map.of("reason", "fanout"));
      boolean allGotFanout = received.await(WAIT, t -> t.count("fanout") >= SERVERS.size());

      List<String> fanout = received.get("fanout");
      boolean eachOnce = fanout.size() == SERVERS.size() && fanout.containsAll(SERVERS);
      boolean castOnce = received.count("cast") == 1;
      boolean ok = oneGotCast && allGotFanout && eachOnce && castOnce;
      out.println(ok ? "OK: the cast reached one server (" + received.get("cast").get(0)
          + "), the fanout cast reached all " + SERVERS.size() + " once each."
          : "FAILED: cast reached " + received.get("cast") + ", fanout reached " + fanout);
      return ok;
    } finally {
      Declared.by(url, id).rpcTopic(topic, SERVERS).delete(out);
    }
  }
}
