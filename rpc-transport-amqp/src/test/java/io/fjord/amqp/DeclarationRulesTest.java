package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.Target;
import io.fjord.rpc.spi.IncomingMessage;
import io.fjord.rpc.spi.ReplyHandler;
import io.fjord.rpc.spi.SendOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every declaration the driver makes, for every combination of oslo's topology options, checked
 * against RabbitMQ 4.3's rules on a {@link FakeBroker} that records them: no transient non-exclusive
 * queue when the broker refuses them, no global QoS, no quorum or stream queue that is exclusive,
 * transient or auto-delete. Runs the driver's own code paths (server, reply queue, notifier, listener
 * with and without a pool, casts and fanout casts), not a copy of them.
 */
class DeclarationRulesTest {

  private static final String[] OPTION_SETS = combinations();

  /** Every combination of the topology options, oslo's names, invalid ones included. */
  private static String[] combinations() {
    String[][] axes = {
        {"", "amqp_durable_queues=true", "amqp_durable_queues=false"},
        {"", "rabbit_quorum_queue=true&rabbit_quorum_delivery_limit=5"},
        {"", "rabbit_transient_quorum_queue=true", "rabbit_transient_quorum_queue=true&rabbit_stream_fanout=true"},
        {"", "use_queue_manager=true&hostname=h&processname=p"},
        {"", "amqp_auto_delete=true"},
        {"", "rabbit_transient_queues_ttl=0"},
        {"", "enable_cancel_on_failover=true"},
    };
    List<String> out = new ArrayList<>(List.of(""));
    for (String[] axis : axes) {
      List<String> next = new ArrayList<>();
      for (String prefix : out) {
        for (String option : axis) {
          next.add(prefix.isEmpty() ? option : option.isEmpty() ? prefix : prefix + "&" + option);
        }
      }
      out = next;
    }
    return out.toArray(new String[0]);
  }

  private static final ReplyHandler IGNORE_REPLIES = new ReplyHandler() {
    @Override
    public void onReply(IncomingMessage message) {
    }

    @Override
    public void onReplyPathLost(Throwable cause) {
    }
  };

  /** Opens a transport and makes it declare everything a server, client, notifier and listeners declare. */
  private static void exercise(FakeBroker broker, String query) {
    AmqpDriver t = broker.open(query + (query.isEmpty() ? "" : "&") + "confirms=false");
    try {
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      SendOptions cast = new SendOptions(null, false, 0, io.fjord.rpc.Deadline.after(Duration.ofSeconds(5)));
      t.listen(Target.topic("compute").withServer("host-1"), m -> { });
      t.openReplyQueue(IGNORE_REPLIES);
      t.send(Target.topic("compute"), body, cast).join();
      t.send(Target.topic("compute").withFanout(true), body, cast).join();
      t.sendNotification(Target.topic("notifications"), "info", body, cast).join();
      t.listenForNotifications(List.of(Target.topic("notifications")), Set.of("info", "error"), null, m -> { });
      t.listenForNotifications(List.of(Target.topic("notifications")), Set.of("info"), "billing", m -> { });
    } finally {
      t.close();
    }
  }

  private static boolean isValid(String query, boolean rabbit43) {
    try {
      new FakeBroker(rabbit43 ? "4.3.0" : "3.10.8", rabbit43).open(query).close();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void everyDeclarationIsValidOnRabbit43ForEveryValidOptionSet() {
    int checked = 0;
    for (String query : OPTION_SETS) {
      if (!isValid(query, true)) {
        continue;
      }
      FakeBroker broker = new FakeBroker("4.3.0", true);
      exercise(broker, query);
      checked++;
      for (FakeBroker.Call c : broker.calls("queueDeclare")) {
        if (c.connection().endsWith(":probe")) {
          continue;
        }
        String what = "queue '" + c.arg(0) + "' with options [" + query + "]";
        boolean durable = (Boolean) c.arg(1);
        boolean exclusive = (Boolean) c.arg(2);
        boolean autoDelete = (Boolean) c.arg(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> args = (Map<String, Object>) c.arg(4);
        assertThat(durable || exclusive).as("4.3 refuses a transient non-exclusive %s", what).isTrue();
        if (args.containsKey("x-queue-type")) {
          assertThat(durable && !exclusive && !autoDelete).as("quorum/stream %s must be durable, shared, kept", what)
              .isTrue();
        }
        if (exclusive) {
          assertThat(durable || args.containsKey("x-expires")).as("exclusive %s needs neither", what).isFalse();
        }
      }
      for (FakeBroker.Call c : broker.calls("basicQos")) {
        assertThat(c.args()).as("QoS with options [%s]", query).hasSize(3);
        assertThat(c.arg(2)).as("global QoS with options [%s]", query).isEqualTo(false);
      }
    }
    assertThat(checked).as("valid option sets checked").isGreaterThan(100);
  }

  @Test
  void onABrokerThatAllowsThemSharedQueuesStayOslosTransientDefault() {
    FakeBroker broker = new FakeBroker("3.10.8", false);
    exercise(broker, "");
    assertThat(broker.calls("queueDeclare")).filteredOn(c -> c.arg(0).equals("compute"))
        .allSatisfy(c -> assertThat(c.args().subList(1, 4)).containsExactly(false, false, false));
    assertThat(broker.calls()).noneMatch(c -> c.connection().endsWith(":probe"));
  }

  @Test
  void onARefusingBrokerSharedQueuesAndTheirExchangeAreDurableAndPerProcessQueuesExclusive() {
    FakeBroker broker = new FakeBroker("4.0.5", true);
    exercise(broker, "");
    List<FakeBroker.Call> declares = broker.calls("queueDeclare").stream()
        .filter(c -> !c.connection().endsWith(":probe")).toList();
    assertThat(declares).filteredOn(c -> c.arg(0).equals("compute") || c.arg(0).equals("compute.host-1")
            || c.arg(0).equals("notifications.info") || c.arg(0).equals("billing"))
        .isNotEmpty().allSatisfy(c -> assertThat(c.args().subList(1, 4)).containsExactly(true, false, false));
    assertThat(declares).filteredOn(c -> String.valueOf(c.arg(0)).startsWith("reply_")
            || String.valueOf(c.arg(0)).startsWith("compute_fanout_"))
        .hasSize(2).allSatisfy(c -> assertThat(c.args().subList(1, 5)).containsExactly(false, true, false, Map.of()));
    assertThat(broker.calls("exchangeDeclare")).filteredOn(c -> c.arg(0).equals("openstack"))
        .allSatisfy(c -> assertThat(c.arg(2)).isEqualTo(true));
  }

  @Test
  void anExplicitlyTransientOptionOnARefusingBrokerFailsAtOpenNamingTheOption() {
    assertThatThrownBy(() -> new FakeBroker("4.3.0", true).open("amqp_durable_queues=false"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Option amqp_durable_queues=false")
        .hasMessageContaining("RabbitMQ 4.3.0 refuses")
        .hasMessageContaining("rabbit_quorum_queue=true");
  }

  @Test
  void kollasOptionsDeclareOslosQuorumQueuesStreamAndStableNames() {
    FakeBroker broker = new FakeBroker("4.0.5", true);
    exercise(broker, "rabbit_quorum_queue=true&rabbit_transient_quorum_queue=true&rabbit_stream_fanout=true"
        + "&use_queue_manager=true&hostname=node1&processname=nova-compute");
    Map<String, FakeBroker.Call> byName = new java.util.LinkedHashMap<>();
    broker.calls("queueDeclare").forEach(c -> byName.put(String.valueOf(c.arg(0)), c));
    assertThat(byName.get("compute").arg(4)).isEqualTo(Map.of("x-queue-type", "quorum"));
    assertThat(byName.get("compute_fanout").arg(4)).isEqualTo(Map.of("x-queue-type", "stream", "x-max-age", "1800s"));
    assertThat(byName.keySet()).anyMatch(n -> n.matches("reply_node1:nova-compute:\\d+"));
    String reply = byName.keySet().stream().filter(n -> n.startsWith("reply_")).findFirst().orElseThrow();
    assertThat(byName.get(reply).arg(4)).isEqualTo(Map.of("x-queue-type", "quorum", "x-expires", 1800000));
    assertThat(broker.calls("exchangeDeclare")).filteredOn(c -> c.arg(0).equals("compute_fanout"))
        .allSatisfy(c -> assertThat(c.args().subList(1, 4)).containsExactly("fanout", true, true));
    assertThat(broker.calls("basicConsume")).filteredOn(c -> c.arg(0).equals("compute_fanout"))
        .singleElement().satisfies(c -> assertThat(c.arg(5)).isEqualTo(Map.of("x-stream-offset", "next")));
  }

  @Test
  void enableCancelOnFailoverAsksForCancelNotificationsOnEveryConsumerButTheStream() {
    FakeBroker broker = new FakeBroker("4.0.5", true);
    exercise(broker, "enable_cancel_on_failover=true&rabbit_quorum_queue=true&rabbit_transient_quorum_queue=true"
        + "&rabbit_stream_fanout=true");
    assertThat(broker.calls("basicConsume")).hasSizeGreaterThanOrEqualTo(5).allSatisfy(c -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> args = (Map<String, Object>) c.arg(5);
      if (c.arg(0).equals("compute_fanout")) {
        assertThat(args).isEqualTo(Map.of("x-stream-offset", "next"));
      } else {
        assertThat(args).as("consumer of %s", c.arg(0)).isEqualTo(Map.of("x-cancel-on-ha-failover", true));
      }
    });
  }
}
