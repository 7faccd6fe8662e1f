package io.fjord.testbroker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The RabbitMQ 4.x test broker is found, is 4.x, and has RabbitMQ 4.3's rules; without one, the message says how to get one. */
class Rabbit4DiscoveryIT {

  @Test
  void theFourXBrokerIsFourXAndRefusesTransientNonExclusiveQueues() throws Exception {
    BrokerInfo broker = TestBrokers.rabbit4();

    assertThat(broker.majorVersion()).as("%s", broker).isGreaterThanOrEqualTo(4);
    assertThat(TestBrokers.serverVersion(broker.url())).isEqualTo(broker.version());
    assertThat(Rabbit4Discovery.permitsTransientNonExclusiveQueues(broker.url())).as("%s", broker).isFalse();
    assertThat(TestBrokers.rabbit4()).as("found once per JVM").isSameAs(broker);
    System.out.println("4.x test broker: " + broker);
  }

  @Test
  void theThreeTenBrokerIsNotTheFourXOne() throws Exception {
    String version = TestBrokers.serverVersion(TestBrokers.url());

    assertThat(version).startsWith("3.");
    assertThat(Rabbit4Discovery.permitsTransientNonExclusiveQueues(TestBrokers.url())).isTrue();
  }

  @Test
  void theMessageWithoutABrokerNamesEveryWayToGetOneAndNoPassword() {
    String message = Rabbit4Discovery.noBrokerMessage(List.of("nothing answers on 127.0.0.1:5700"));

    assertThat(message)
        .contains("FJORD_TEST_AMQP4_URL")
        .contains("127.0.0.1:5700")
        .contains("bash .ci/rabbitmq4 start")
        .contains("as root")
        .contains("Docker")
        .contains("deprecated_features.permit.transient_nonexcl_queues = false")
        .contains("Tried: nothing answers on 127.0.0.1:5700")
        .doesNotContain("guest");
  }

  @Test
  void brokerInfoNeverShowsThePassword() {
    BrokerInfo broker = new BrokerInfo("rabbit://guest:s3cret@127.0.0.1:5700/", "4.0.5", "127.0.0.1:5700");

    assertThat(broker.toString()).contains("RabbitMQ 4.0.5").contains("127.0.0.1:5700").doesNotContain("s3cret");
    assertThat(broker.majorVersion()).isEqualTo(4);
  }
}
