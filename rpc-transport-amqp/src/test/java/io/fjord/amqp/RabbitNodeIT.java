package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.fjord.testbroker.TestBrokers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault tests' own nodes, of both kinds: each starts on its own port with the expected
 * RabbitMQ, keeps its data across a graceful and a kill -9 restart, answers rabbitmqctl, can be
 * frozen and thawed, and leaves no files and no listener behind once closed.
 */
@Tag("fault")
class RabbitNodeIT {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"3.10", "4.x"})
  void aNodeKeepsItsDataAcrossRestartsAndLeavesNothingBehind(String kind) throws Exception {
    long started = System.nanoTime();
    RabbitNode node = kind.equals("4.x") ? RabbitNode.startRabbit4() : RabbitNode.start();
    long bootMs = (System.nanoTime() - started) / 1_000_000;
    String queue = TestBroker.name("node_q");
    try {
      assertThat(node.port()).isNotIn(5672, 5700);
      String version = TestBrokers.serverVersion(node.url(""));
      assertThat(version).as(node.label()).startsWith(kind.equals("4.x") ? "4." : "3.10");
      assertThat(TestBrokers.permitsTransientNonExclusiveQueues(node.url("")))
          .as("%s permits transient non-exclusive queues", node.label()).isEqualTo(kind.equals("3.10"));
      Map<String, Object> args = kind.equals("4.x") ? Map.of("x-queue-type", "quorum") : Map.of();
      try (Connection c = connect(node); Channel ch = c.createChannel()) {
        ch.confirmSelect();
        ch.queueDeclare(queue, true, false, false, args);
        ch.basicPublish("", queue, new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
            "kept".getBytes(StandardCharsets.UTF_8));
        ch.waitForConfirmsOrDie(10_000);
      }
      assertThat(node.ctl("list_queues", "-q", "name", "messages")).contains(queue);

      long restart = System.nanoTime();
      node.stop();
      assertThat(TestBroker.answers("127.0.0.1", node.port())).as("listening after stop").isFalse();
      node.launch();
      long restartMs = (System.nanoTime() - restart) / 1_000_000;
      node.kill();
      node.launch();
      try (Connection c = connect(node); Channel ch = c.createChannel()) {
        GetResponse kept = ch.basicGet(queue, true);
        assertThat(kept).as("the persistent message after a stop and a kill -9").isNotNull();
        assertThat(new String(kept.getBody(), StandardCharsets.UTF_8)).isEqualTo("kept");
      }

      node.freeze();
      assertThat(connectFails(node)).as("a connection to a frozen node").isTrue();
      node.thaw();
      try (Connection c = connect(node)) {
        assertThat(c.isOpen()).isTrue();
      }
      System.out.printf("%s node %s (RabbitMQ %s): booted in %d ms, graceful restart %d ms%n", kind, node.nodeName(),
          version, bootMs, restartMs);
    } finally {
      node.close();
    }
    assertThat(node.directory()).doesNotExist();
    assertThat(TestBroker.answers("127.0.0.1", node.port())).as("listening after close").isFalse();
  }

  private static Connection connect(RabbitNode node) throws Exception {
    return TestBrokers.rawConnection(node.url(""), "fjord-node-test");
  }

  private static boolean connectFails(RabbitNode node) {
    ConnectionFactory f = new ConnectionFactory();
    f.setPort(node.port());
    f.setConnectionTimeout(1000);
    f.setHandshakeTimeout(1000);
    try (Connection c = f.newConnection("fjord-node-test-frozen")) {
      return !c.isOpen();
    } catch (Exception e) {
      return true;
    }
  }
}
