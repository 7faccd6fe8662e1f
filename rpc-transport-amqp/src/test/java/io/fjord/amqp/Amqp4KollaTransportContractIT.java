package io.fjord.amqp;

import org.junit.jupiter.api.Tag;

/**
 * The transport contract suite on RabbitMQ 4.x with RabbitMQ 4.3's rules, with Kolla-Ansible's oslo
 * options: quorum queues, quorum reply queues named by the queue manager, one stream per fanout topic.
 */
@Tag("rabbitmq4")
class Amqp4KollaTransportContractIT extends AmqpTransportContractIT {
  private static final BrokerProfile KOLLA = BrokerProfile.rabbit4Kolla("Amqp4KollaTransportContractIT");

  @Override
  protected BrokerProfile profile() {
    return KOLLA;
  }
}
