package io.fjord.amqp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reconnecting with calls in flight on a RabbitMQ 4.x node (4.3's rules) of the test's own, with
 * Fjord's default options and with Kolla's: calls end on time while the broker is down and work
 * again after a restart, and a call in flight fails fast when its connection breaks (the broker killed,
 * or, with quorum reply queues, closing every connection: see FaultScenarios).
 */
@Tag("fault")
@Tag("rabbitmq4")
class Amqp4RecoveryIT {
  private static RabbitNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = RabbitNode.startRabbit4();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.fjord.amqp.FaultScenarios#rabbit4Options")
  void callsEndOnTimeWhileTheBrokerIsDownAndWorkAgainAfterARestart(String options) throws Exception {
    FaultScenarios.callsEndOnTimeWhileTheBrokerIsDownAndWorkAgainAfterARestart(node, options);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.fjord.amqp.FaultScenarios#rabbit4Options")
  void inFlightCallFailsFastWhenItsReplyConnectionBreaks(String options) throws Exception {
    FaultScenarios.inFlightCallFailsFastWhenItsReplyConnectionBreaks(node, options);
  }

  @org.junit.jupiter.api.Test
  void fanoutCastsSentWhileAServerIsDisconnectedReachItFromTheStream() throws Exception {
    FaultScenarios.fanoutCastsSentWhileAServerIsDisconnectedReachItFromTheStream(node, BrokerProfile.KOLLA_OPTIONS);
  }
}
