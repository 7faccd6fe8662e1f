package io.fjord.notify;

import io.fjord.amqp.BrokerProfile;
import java.util.List;

/**
 * The notification contract on a real RabbitMQ: the 3.10 test broker with Fjord's default options.
 * Subclasses run it on other brokers and options by giving another {@link #profile()}.
 */
class AmqpNotificationIT extends AbstractNotificationContractTest {
  private static final BrokerProfile RABBIT_3 = BrokerProfile.rabbit3();

  /** The broker and options this class runs the suite on. */
  protected BrokerProfile profile() {
    return RABBIT_3;
  }

  @Override
  protected String transportUrl() {
    return profile().url();
  }

  @Override
  protected void cleanUp(String exchange, List<String> queues) throws Exception {
    profile().delete(queues, List.of(exchange));
  }
}
