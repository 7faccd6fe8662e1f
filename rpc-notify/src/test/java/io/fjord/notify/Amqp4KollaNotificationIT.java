package io.fjord.notify;

import io.fjord.amqp.BrokerProfile;
import org.junit.jupiter.api.Tag;

/**
 * The notification contract on RabbitMQ 4.x with RabbitMQ 4.3's rules, with Kolla-Ansible's oslo
 * options: the notification and pool queues are quorum queues.
 */
@Tag("rabbitmq4")
class Amqp4KollaNotificationIT extends AmqpNotificationIT {
  private static final BrokerProfile KOLLA = BrokerProfile.rabbit4Kolla("Amqp4KollaNotificationIT");

  @Override
  protected BrokerProfile profile() {
    return KOLLA;
  }
}
