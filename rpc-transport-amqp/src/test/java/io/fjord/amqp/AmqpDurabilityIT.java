package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.MessagingException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What survives a broker restart, on a node of the test's own: a confirmed backlog on the durable and
 * quorum profiles, and calls during a 30 s outage that each end within their timeout.
 */
@org.junit.jupiter.api.Tag("fault")
class AmqpDurabilityIT {
  private static RabbitNode node;

  /** Records the ids it is cast. */
  public static final class Sink {
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();

    public void take(int id) {
      deliveries.incrementAndGet();
      seen.add(id);
    }

    public String ping() {
      return "pong";
    }
  }

  @BeforeAll
  static void startNode() throws Exception {
    node = RabbitNode.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"durable=true", "quorum=true"})
  void aConfirmedBacklogSurvivesABrokerRestart(String profile) throws Exception {
    String topic = TestBroker.name("dur_t");
    String url = node.url(profile + "&heartbeat=2&recovery_interval=0.3&connection_timeout=2");
    int n = 500;
    io.fjord.rpc.TransportOptions options = io.fjord.rpc.TransportOptions.builder()
        .controlExchange(TestBroker.name("dur_x")).build();
    try (Transport transport = Transport.open(io.fjord.rpc.TransportUrl.parse(url), options)) {
      // the server declares the queues, then goes away: the casts wait in the queue
      RpcServer first = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new Sink()).build();
      first.start();
      first.close();
      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();
      List<CompletableFuture<Void>> casts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        casts.add(client.castAsync(RequestContext.empty(), "take", Map.of("id", i)));
      }
      CompletableFuture.allOf(casts.toArray(new CompletableFuture<?>[0])).get();
    }

    node.stop();
    node.launch();

    Sink sink = new Sink();
    try (Transport transport = eventually(() -> Transport.open(io.fjord.rpc.TransportUrl.parse(url), options))) {
      RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(sink).build().start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (sink.seen.size() < n && System.nanoTime() - deadline < 0) {
        Thread.sleep(50);
      }
      assertThat(sink.seen).as("confirmed casts after the restart (%s)", profile).hasSize(n);
      System.out.printf("%s: %d of %d confirmed casts delivered after a broker restart, %d deliveries%n", profile,
          sink.seen.size(), n, sink.deliveries.get());
    }
  }

  @Test
  void sequentialCallsDuringAThirtySecondOutageEachEndWithinTheirTimeout() throws Exception {
    String topic = TestBroker.name("dur_t");
    String url = node.url("heartbeat=2&recovery_interval=0.3&connection_timeout=2");
    try (Transport server = Transport.open(url); Transport clientTransport = Transport.open(url)) {
      RpcServer.builder(server, Target.topic(topic).withServer("s1")).endpoint(new Sink()).build().start();
      RpcClient client = RpcClient.builder(clientTransport, Target.topic(topic)).timeout(Duration.ofSeconds(5)).build();
      assertThat(client.call(RequestContext.empty(), "ping", Map.of(), String.class)).isEqualTo("pong");

      node.stop();
      long downAt = System.nanoTime();
      long longestMs = 0;
      int calls = 0;
      while (System.nanoTime() - downAt < Duration.ofSeconds(30).toNanos()) {
        long start = System.nanoTime();
        try {
          client.call(RequestContext.empty(), "ping", Map.of(), String.class);
        } catch (MessagingException expected) {
          // down: a typed error, on time
        }
        longestMs = Math.max(longestMs, (System.nanoTime() - start) / 1_000_000);
        calls++;
      }
      assertThat(longestMs).as("longest call while the broker was down (timeout 5 s)").isLessThanOrEqualTo(6000);

      node.launch();
      long backAt = System.nanoTime();
      String answer = null;
      while (answer == null) {
        try {
          answer = client.call(RequestContext.empty(), "ping", Map.of(), String.class);
        } catch (MessagingException e) {
          assertThat((System.nanoTime() - backAt) / 1_000_000).as("ms until calls succeed again").isLessThan(15_000);
        }
      }
      long recoveredMs = (System.nanoTime() - backAt) / 1_000_000;
      int ok = 0;
      for (int i = 0; i < 100; i++) {
        long start = System.nanoTime();
        client.call(RequestContext.empty(), "ping", Map.of(), String.class);
        if ((System.nanoTime() - start) / 1_000_000 < 5000) {
          ok++;
        }
      }
      assertThat(ok).as("calls succeeding within 5 s once the broker is back").isGreaterThanOrEqualTo(99);
      System.out.printf("30 s outage: %d calls, longest %d ms; calls succeeded again %d ms after the broker was back%n",
          calls, longestMs, recoveredMs);
    }
  }

  private static <T> T eventually(java.util.concurrent.Callable<T> action) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return action.call();
      } catch (MessagingException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }
}
