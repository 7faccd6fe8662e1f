package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.MessagingException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.Map;
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
    FaultScenarios.confirmedBacklogSurvivesARestart(node, profile);
  }

  @Test
  void sequentialCallsDuringAThirtySecondOutageEachEndWithinTheirTimeout() throws Exception {
    String topic = TestBroker.name("dur_t");
    String url = FaultScenarios.url(node, "");
    try (Transport server = Transport.open(url); Transport clientTransport = Transport.open(url)) {
      RpcServer.builder(server, Target.topic(topic).withServer("s1")).endpoint(new FaultScenarios.Sink()).build().start();
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
}
