package io.fjord.amqp;

import io.fjord.rpc.AbstractTransportContractTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** The transport contract suite on a real RabbitMQ. */
class AmqpTransportContractIT extends AbstractTransportContractTest {

  @Override
  protected String transportUrl() {
    return TestBroker.url();
  }

  /** Registered first, so it runs last: deletes what the test declared once its servers are closed. */
  @BeforeEach
  void deleteBrokerObjectsAfterTheTest() {
    closeAfterTest(() -> {
      List<String> queues = new ArrayList<>(List.of(topic));
      for (int i = 0; i <= 5; i++) {
        queues.add(topic + ".s" + i);
        queues.add(topic + ".host-" + i);
      }
      try (var raw = TestBroker.rawConnection()) {
        TestBroker.delete(raw, queues.toArray(new String[0]), new String[] {exchange, topic + "_fanout"});
      }
    });
  }
}
