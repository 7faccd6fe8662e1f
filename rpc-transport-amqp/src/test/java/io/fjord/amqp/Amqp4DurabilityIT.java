package io.fjord.amqp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What survives a restart of a RabbitMQ 4.x node (4.3's rules) of the test's own: a confirmed
 * backlog, with Fjord's default options (durable classic queues on 4.x) and with Kolla's (quorum).
 */
@Tag("fault")
@Tag("rabbitmq4")
class Amqp4DurabilityIT {
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
  void aConfirmedBacklogSurvivesABrokerRestart(String options) throws Exception {
    FaultScenarios.confirmedBacklogSurvivesARestart(node, options);
  }
}
