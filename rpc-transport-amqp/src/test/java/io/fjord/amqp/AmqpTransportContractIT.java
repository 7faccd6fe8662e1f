package io.fjord.amqp;

import io.fjord.rpc.testing.AbstractTransportContractTest;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/**
 * The transport contract suite on a real RabbitMQ: the 3.10 test broker with Fjord's default
 * options. Subclasses run it on other brokers and options by giving another {@link #profile()}.
 */
class AmqpTransportContractIT extends AbstractTransportContractTest {
  private static final BrokerProfile RABBIT_3 = BrokerProfile.rabbit3();

  /** The broker and options this class runs the suite on. */
  protected BrokerProfile profile() {
    return RABBIT_3;
  }

  @Override
  protected String transportUrl() {
    return profile().url();
  }

  /** Registered first, so it runs last: deletes what the test declared once its servers are closed. */
  @BeforeEach
  void deleteBrokerObjectsAfterTheTest() {
    closeAfterTest(() -> {
      List<String> servers = new ArrayList<>();
      for (int i = 0; i <= 5; i++) {
        servers.add("s" + i);
        servers.add("host-" + i);
      }
      profile().delete(BrokerProfile.rpcQueues(topic, servers), List.of(exchange, topic + "_fanout"));
    });
  }
}
