package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broker faults on a RabbitMQ node of the test's own (never the shared one): calls end on time while
 * the broker is down, in-flight calls fail fast when their reply path breaks, and clients and servers
 * work again once the broker is back.
 */
@org.junit.jupiter.api.Tag("fault")
class AmqpRecoveryIT {
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

  private static String url() {
    return FaultScenarios.url(node, "");
  }

  private static <T> T eventually(Duration within, java.util.concurrent.Callable<T> action) throws Exception {
    return FaultScenarios.eventually(within, action);
  }

  @Test
  void callsEndOnTimeWhileTheBrokerIsDownAndWorkAgainAfterARestart() throws Exception {
    FaultScenarios.callsEndOnTimeWhileTheBrokerIsDownAndWorkAgainAfterARestart(node, "");
  }

  @Test
  void inFlightCallFailsFastWhenItsReplyConnectionBreaks() throws Exception {
    FaultScenarios.inFlightCallFailsFastWhenItsReplyConnectionBreaks(node, "");
  }

  @Test
  void openingATransportToADownBrokerFailsFastWithoutThePassword() throws Exception {
    String url = "rabbit://guest:s3cret@127.0.0.1:" + (node.port() + 1) + "/?connection_timeout=1";
    long start = System.nanoTime();
    assertThatThrownBy(() -> Transport.open(url))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot connect to rabbit://guest:****@127.0.0.1:" + (node.port() + 1))
        .hasMessageNotContaining("s3cret");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
  }

  @Test
  void aFrozenBrokerNeitherHangsCallsNorClose() throws Exception {
    String topic = TestBroker.name("rec_t");
    Transport transport = Transport.open(url());
    try {
      RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new FaultScenarios.Service()).build();
      server.start();
      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(2)).build();
      assertThat(client.call(null, "ping", Map.of(), String.class)).isEqualTo("pong");
      node.freeze();
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.call(null, "ping", Map.of(), String.class))
          .isInstanceOfAny(MessagingTimeoutException.class, TransportException.class);
      assertThat((System.nanoTime() - start) / 1_000_000).as("call ms on a frozen broker").isLessThan(3000);
      start = System.nanoTime();
      transport.close();
      assertThat((System.nanoTime() - start) / 1_000_000).as("close ms on a frozen broker").isLessThan(25_000);
    } finally {
      node.thaw();
      transport.close();
    }
    // the node is usable again for the other tests
    try (Transport again = eventually(Duration.ofSeconds(30), () -> Transport.open(url()))) {
      assertThat(again.isClosed()).isFalse();
    }
  }

  @Test
  void hostsAreTriedInTheUrlsOrder() throws Exception {
    String topic = TestBroker.name("rec_t");
    // the first host refuses connections; the second is the node
    String url = "rabbit://guest:guest@127.0.0.1:" + (node.port() + 1) + ",guest:guest@127.0.0.1:" + node.port()
        + "/?connection_timeout=1";
    try (Transport transport = Transport.open(url)) {
      RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new FaultScenarios.Service()).build().start();
      assertThat(RpcClient.create(transport, Target.topic(topic)).call(null, "ping", Map.of(), String.class)).isEqualTo("pong");
    }
  }

  @Test
  void aMemoryAlarmBlocksPublishersWithATypedErrorAndTheyResumeWhenItClears() throws Exception {
    String topic = TestBroker.name("rec_t");
    try (Transport transport = Transport.open(url())) {
      FaultScenarios.Service service = new FaultScenarios.Service();
      RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(service).build().start();
      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(3)).build();
      client.cast(null, "ping", Map.of());
      node.ctl("set_vm_memory_high_watermark", "0.0000001");
      try {
        long start = System.nanoTime();
        Throwable t = null;
        // the broker blocks publishers as soon as it notices its alarm
        while (t == null && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
          long attempt = System.nanoTime();
          t = catchThrowable(() -> client.cast(null, "ping", Map.of()));
          assertThat((System.nanoTime() - attempt) / 1_000_000).as("a cast is bounded by its timeout").isLessThan(4000);
        }
        assertThat(t).isInstanceOfAny(TransportException.class, MessagingTimeoutException.class);
        System.out.println("memory alarm: " + t);
      } finally {
        node.ctl("set_vm_memory_high_watermark", "0.4");
      }
      long cleared = System.nanoTime();
      String answer = eventually(Duration.ofSeconds(10), () -> {
        client.cast(null, "ping", Map.of());
        return "resumed";
      });
      long resumeMs = (System.nanoTime() - cleared) / 1_000_000;
      assertThat(answer).isEqualTo("resumed");
      assertThat(resumeMs).as("ms to resume after the alarm cleared").isLessThan(5000);
      System.out.printf("memory alarm: publishing resumed %d ms after the alarm cleared%n", resumeMs);
    }
  }
}
