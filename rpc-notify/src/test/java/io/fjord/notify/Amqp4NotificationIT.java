package io.fjord.notify;

import io.fjord.amqp.BrokerProfile;
import org.junit.jupiter.api.Tag;

/** The notification contract on RabbitMQ 4.x with RabbitMQ 4.3's rules, with Fjord's default options. */
@Tag("rabbitmq4")
class Amqp4NotificationIT extends AmqpNotificationIT {
  private static final BrokerProfile RABBIT_4 = BrokerProfile.rabbit4();

  @Override
  protected BrokerProfile profile() {
    return RABBIT_4;
  }
}
