package io.fjord.amqp;

import org.junit.jupiter.api.Tag;

/** The transport contract suite on RabbitMQ 4.x with RabbitMQ 4.3's rules, with Fjord's default options. */
@Tag("rabbitmq4")
class Amqp4TransportContractIT extends AmqpTransportContractIT {
  private static final BrokerProfile RABBIT_4 = BrokerProfile.rabbit4();

  @Override
  protected BrokerProfile profile() {
    return RABBIT_4;
  }
}
