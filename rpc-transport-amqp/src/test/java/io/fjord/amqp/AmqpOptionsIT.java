package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.fjord.rpc.BrokerAccessDeniedException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.annotation.NonBlocking;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * oslo's connection and publishing options against the test broker: a whole option set copied from
 * an oslo configuration opens, AMQPLAIN logs in, hosts are tried past a dead one, gzip bodies go out
 * compressed and compressed requests are read, and the transport knows its broker.
 */
class AmqpOptionsIT extends OwnTopic {

  private Transport open(String url) {
    return openUrl(url);
  }

  private String echoThrough(Transport t) {
    RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build().start();
    return RpcClient.create(t, Target.topic(topic)).call(null, "echo", Map.of("v", "hello"), String.class);
  }

  @Test
  void anOptionSetCopiedFromAnOsloConfigurationOpensAndTheTransportKnowsItsBroker() {
    try (Transport t = open(withQuery("rpc_conn_pool_size=30&conn_pool_min_size=2&conn_pool_ttl=1200"
        + "&heartbeat_timeout_threshold=60&heartbeat_rate=3&heartbeat_in_pthread=false&kombu_reconnect_delay=1.0"
        + "&kombu_reconnect_splay=0.5&kombu_missing_consumer_retry_timeout=60&kombu_failover_strategy=round-robin"
        + "&rabbit_retry_interval=1&rabbit_retry_backoff=2&rabbit_interval_max=30&rabbit_qos_prefetch_count=10"
        + "&direct_mandatory_flag=true&enable_cancel_on_failover=true&ssl=false&ssl_enforce_fips_mode=false"
        + "&rabbit_transient_queues_ttl=1800&amqp_auto_delete=false"))) {
      assertThat(t.broker().product()).isEqualTo("RabbitMQ");
      assertThat(t.broker().version()).matches("\\d+\\.\\d+\\.\\d+.*");
      assertThat(echoThrough(t)).isEqualTo("hello");
    }
  }

  @Test
  void amqplainLogsInAndAWrongPasswordIsRefused() {
    try (Transport t = open(withQuery("rabbit_login_method=AMQPLAIN"))) {
      assertThat(echoThrough(t)).isEqualTo("hello");
    }
    TransportUrl.Host h = TransportUrl.parse(TestBroker.url()).hosts().get(0);
    String wrong = "rabbit://" + (h.username() == null ? "guest" : h.username()) + ":wr0ng@" + h.hostname() + ":"
        + h.portOr(5672) + "/?rabbit_login_method=AMQPLAIN";
    assertThatThrownBy(() -> Transport.open(wrong)).isInstanceOf(BrokerAccessDeniedException.class)
        .hasMessageNotContaining("wr0ng");
  }

  @Test
  void hostsAreTriedPastOneThatRefusesConnectionsWithEitherFailoverStrategy() {
    TransportUrl.Host h = TransportUrl.parse(TestBroker.url()).hosts().get(0);
    String credentials = (h.username() == null ? "guest" : h.username()) + ":"
        + (h.password() == null ? "guest" : h.password());
    for (String strategy : new String[] {"round-robin", "shuffle"}) {
      // port 1 refuses at once; the URL's second host is the broker
      String url = "rabbit://" + credentials + "@127.0.0.1:1," + credentials + "@" + h.hostname() + ":" + h.portOr(5672)
          + "/?kombu_failover_strategy=" + strategy + "&connection_timeout=2";
      try (Transport t = open(url)) {
        assertThat(echoThrough(t)).as(strategy).isEqualTo("hello");
      }
    }
  }

  @Test
  void gzipCompressesWhatIsPublishedAndCompressedRequestsAreRead() throws Exception {
    try (Transport t = open(withQuery("kombu_compression=gzip"))) {
      assertThat(echoThrough(t)).isEqualTo("hello");
      try (Channel ch = raw.createChannel()) {
        ch.queueDeclare(topic + "_spy", false, true, false, Map.of());
        ch.queueBind(topic + "_spy", exchange, topic);
        RpcClient.create(t, Target.topic(topic)).cast(null, "echo", Map.of("v", "spied"));
        GetResponse spied = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (spied == null && System.nanoTime() - deadline < 0) {
          spied = ch.basicGet(topic + "_spy", true);
          if (spied == null) {
            Thread.sleep(20); // polling the spy queue, bounded by the deadline
          }
        }
        assertThat(spied).as("the cast, seen by a spy queue").isNotNull();
        assertThat(spied.getProps().getHeaders()).containsEntry("compression",
            com.rabbitmq.client.impl.LongStringHelper.asLongString("application/x-gzip"));
        assertThat(spied.getBody()[0]).as("zlib header").isEqualTo((byte) 0x78);
        assertThat(new String(Subscription.inflate("application/x-gzip", spied.getBody()), StandardCharsets.UTF_8))
            .contains("spied");
      }
    }
    // a server without the option reads a compressed request and answers it
    try (Transport server = open(TestBroker.url()); Transport client = open(withQuery("kombu_compression=gzip"))) {
      RpcServer.builder(server, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build().start();
      assertThat(RpcClient.create(client, Target.topic(topic)).call(null, "echo", Map.of("v", "zipped"), String.class))
          .isEqualTo("zipped");
    }
  }

  /** Holds every request until the test releases them; declared non-blocking, so requests wait behind it. */
  @NonBlocking
  public static final class Gate {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger done = new AtomicInteger();

    public void hold() throws InterruptedException {
      entered.countDown();
      release.await(30, TimeUnit.SECONDS);
      done.incrementAndGet();
    }
  }

  private int queued(String queue) throws Exception {
    try (Channel ch = raw.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  private static void waitUntil(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.call()) {
      assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
      Thread.sleep(20); // polling the broker, bounded by the deadline
    }
  }

  @Test
  void rpcAutoAckTakesRequestsOffTheQueueAsTheBrokerDeliversThemInsteadOfWhenEachStarts() throws Exception {
    for (boolean auto : new boolean[] {false, true}) {
      try (Transport t = open(withQuery("prefetch=1" + (auto ? "&rpc_auto_ack=true" : "")))) {
        Gate gate = new Gate();
        RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(gate).build();
        server.start();
        RpcClient client = RpcClient.create(t, Target.topic(topic));
        for (int i = 0; i < 3; i++) {
          client.cast(null, "hold", Map.of());
        }
        assertThat(gate.entered.await(10, TimeUnit.SECONDS)).as("the first request runs").isTrue();
        // acknowledged on start with a prefetch of 1: the first runs, the second waits unacknowledged in the
        // server, the third in the queue; with automatic acknowledgement the broker hands over all three
        int expected = auto ? 0 : 1;
        waitUntil((auto ? "auto" : "on-start") + " acknowledgement leaves " + expected + " queued",
            () -> queued(topic) == expected);
        gate.release.countDown();
        waitUntil("all three ran", () -> gate.done.get() == 3);
        assertThat(queued(topic)).isZero();
        server.close();
      }
    }
  }
}
