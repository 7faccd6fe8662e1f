package io.fjord.notify;

import io.fjord.amqp.TestBroker;
import java.util.List;

/** The notification contract on a real RabbitMQ. */
class AmqpNotificationIT extends AbstractNotificationContractTest {
  @Override
  protected String transportUrl() {
    return TestBroker.url();
  }

  @Override
  protected void cleanUp(String exchange, List<String> queues) throws Exception {
    try (var raw = TestBroker.rawConnection()) {
      TestBroker.delete(raw, queues.toArray(new String[0]), new String[] {exchange});
    }
  }
}
