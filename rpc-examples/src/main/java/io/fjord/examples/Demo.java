package io.fjord.examples;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: two servers on one topic, and a client doing a call (one of many servers), a
 * call to one specific server, a cast and a fanout cast. Exits non-zero if anything did not arrive.
 */
public final class Demo {
  private Demo() {
  }

  /** The endpoint both servers expose. */
  @RpcEndpoint(namespace = "demo", version = "1.0")
  public static final class Greeter {
    private final String host;
    private final CountDownLatch casts;
    private final CountDownLatch fanouts;
    private final PrintStream out;

    Greeter(String host, CountDownLatch casts, CountDownLatch fanouts, PrintStream out) {
      this.host = host;
      this.casts = casts;
      this.fanouts = fanouts;
      this.out = out;
    }

    public String hello(RequestContext ctx, String name) {
      return "Hello, " + name + "! (from " + host + ", request " + ctx.requestId() + ")";
    }

    @RpcMethod("record_event")
    public void recordEvent(String event) {
      out.println("  [" + host + "] cast received: record_event(event=" + event + ")");
      casts.countDown();
    }

    @RpcMethod("refresh_cache")
    public void refreshCache() {
      out.println("  [" + host + "] fanout received: refresh_cache()");
      fanouts.countDown();
    }
  }

  private static final String[] HOSTS = {"host-1", "host-2"};

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the demo on {@code url} with names made from {@code id}; true when everything arrived. */
  static boolean run(String url, String id, PrintStream out) throws InterruptedException {
    String topic = "fjord_demo_" + id;
    CountDownLatch casts = new CountDownLatch(1);
    CountDownLatch fanouts = new CountDownLatch(2);
    try (Transport transport = Transport.open(TransportUrl.parse(url), Brokers.ownExchange(id))) {
      for (String host : HOSTS) {
        RpcServer.builder(transport, Target.topic(topic).withServer(host))
            .endpoint(new Greeter(host, casts, fanouts, out))
            .build()
            .start();
      }
      out.println("Two servers listening on topic " + topic);

      RpcClient client = RpcClient.builder(transport, Target.topic(topic).withNamespace("demo").withVersion("1.0"))
          .timeout(Duration.ofSeconds(10))
          .build();
      RequestContext ctx = RequestContext.builder().requestId("req-" + id).userId("demo").build();

      String any = client.call(ctx, "hello", Map.of("name", "world"), String.class);
      out.println("call  hello -> " + any);

      String direct = client.prepare("host-2", false).call(ctx, "hello", Map.of("name", "host-2 only"), String.class);
      out.println("call  hello on host-2 -> " + direct);

      client.cast(ctx, "record_event", Map.of("event", "instance.created"));
      out.println("cast  record_event sent (confirmed by the broker)");
      boolean castArrived = casts.await(10, TimeUnit.SECONDS);

      client.prepare(null, true).cast(ctx, "refresh_cache", Map.of());
      out.println("fanout refresh_cache sent to every server");
      boolean fanoutArrived = fanouts.await(10, TimeUnit.SECONDS);

      boolean ok = castArrived && fanoutArrived && direct.contains("host-2");
      out.println(ok ? "OK: call, direct call, cast and fanout all worked."
          : "FAILED: cast arrived=" + castArrived + ", fanout reached both=" + fanoutArrived + ", direct=" + direct);
      return ok;
    } finally {
      Declared.by(url, id).rpcTopic(topic, List.of(HOSTS)).delete(out);
    }
  }
}
