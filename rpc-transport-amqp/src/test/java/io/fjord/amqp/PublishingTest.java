package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.Target;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.spi.SendOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What publishing declares before it publishes ({@link Publishing.Declaration}): values equal by what
 * they declare, each declared once per publishing connection and again after the connection recovered.
 * Runs on a {@link FakeBroker}, so without confirms (it sends none).
 */
class PublishingTest {
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private static SendOptions cast() {
    return new SendOptions(null, false, 0, io.fjord.rpc.Deadline.after(Duration.ofSeconds(5)));
  }

  private static List<FakeBroker.Call> published(FakeBroker broker, String method, String name) {
    return broker.calls(method).stream()
        .filter(c -> c.connection().equals("fjord:publish") && c.arg(0).equals(name)).toList();
  }

  @Test
  void declarationsAreEqualByWhatTheyDeclare() {
    Topology topology = new Topology(AmqpSettings.from(TransportUrl.parse("rabbit://h/")), false);
    Topology.Exchange x = topology.topicExchange("openstack");
    Publishing.Declaration exchange = Publishing.Declaration.of(x);
    Publishing.Declaration queue = Publishing.Declaration.of(x, topology.notificationQueue("notifications.info"));

    assertThat(exchange).isEqualTo(Publishing.Declaration.of(topology.topicExchange("openstack")))
        .hasSameHashCodeAs(Publishing.Declaration.of(topology.topicExchange("openstack")))
        .isNotEqualTo(Publishing.Declaration.of(topology.topicExchange("nova")))
        .isNotEqualTo(queue);
    assertThat(queue).isEqualTo(Publishing.Declaration.of(topology.topicExchange("openstack"),
            topology.notificationQueue("notifications.info")))
        .isNotEqualTo(Publishing.Declaration.of(x, topology.notificationQueue("notifications.error")));
  }

  @Test
  void aRequestDeclaresItsExchangeOnceUntilThePublishingConnectionRecovers() {
    FakeBroker broker = new FakeBroker("3.10.8", false);
    AmqpDriver driver = broker.open("confirms=false");
    try {
      driver.send(Target.topic("compute"), BODY, cast()).join();
      driver.send(Target.topic("compute").withServer("host-1"), BODY, cast()).join();
      assertThat(published(broker, "exchangeDeclare", "openstack")).hasSize(1);

      broker.recover("fjord:publish");
      driver.send(Target.topic("compute"), BODY, cast()).join();
      assertThat(published(broker, "exchangeDeclare", "openstack")).hasSize(2);
    } finally {
      driver.close();
    }
  }

  @Test
  void aRequestCarriesItsPriorityAsTheAmqpPriorityPropertyAndOtherwiseOslosZero() {
    FakeBroker broker = new FakeBroker("4.0.5", false);
    AmqpDriver driver = broker.open("confirms=false");
    try {
      io.fjord.rpc.Deadline deadline = io.fjord.rpc.Deadline.after(Duration.ofSeconds(5));
      driver.send(Target.topic("compute"), BODY, new SendOptions(null, false, 0, deadline, 7)).join();
      driver.send(Target.topic("compute"), BODY, new SendOptions(Duration.ofSeconds(30), false, 0, deadline, 5)).join();
      driver.send(Target.topic("compute").withFanout(true), BODY, new SendOptions(null, false, 0, deadline, 9)).join();
      driver.send(Target.topic("compute"), BODY, cast()).join();
      driver.send(Target.topic("compute"), BODY, new SendOptions(Duration.ofSeconds(30), false, 0, deadline)).join();

      List<com.rabbitmq.client.AMQP.BasicProperties> props = broker.calls("basicPublish").stream()
          .map(c -> (com.rabbitmq.client.AMQP.BasicProperties) c.arg(3)).toList();
      assertThat(props).extracting(com.rabbitmq.client.AMQP.BasicProperties::getPriority)
          .containsExactly(7, 5, 9, 0, 0);
      assertThat(props).extracting(com.rabbitmq.client.AMQP.BasicProperties::getExpiration)
          .containsExactly(null, "30000", null, null, "30000");
      // the priority changes nothing else of oslo's properties
      assertThat(props.get(0).getContentType()).isEqualTo("application/json");
      assertThat(props.get(0).getDeliveryMode()).isEqualTo(2);
      assertThat(props.get(0).getHeaders()).isEmpty();
    } finally {
      driver.close();
    }
  }

  @Test
  void aNotificationDeclaresItsQueueAndBindingOnceUntilThePublishingConnectionRecovers() {
    FakeBroker broker = new FakeBroker("3.10.8", false);
    AmqpDriver driver = broker.open("confirms=false");
    try {
      driver.sendNotification(Target.topic("notifications"), "info", BODY, cast()).join();
      driver.sendNotification(Target.topic("notifications"), "info", BODY, cast()).join();
      assertThat(published(broker, "queueDeclare", "notifications.info")).hasSize(1);
      assertThat(published(broker, "queueBind", "notifications.info")).singleElement()
          .satisfies(c -> assertThat(c.args()).containsExactly("notifications.info", "openstack", "notifications.info"));

      driver.sendNotification(Target.topic("notifications"), "error", BODY, cast()).join();
      assertThat(published(broker, "queueDeclare", "notifications.error")).hasSize(1);

      broker.recover("fjord:publish");
      driver.sendNotification(Target.topic("notifications"), "info", BODY, cast()).join();
      assertThat(published(broker, "queueDeclare", "notifications.info")).hasSize(2);
      assertThat(published(broker, "queueBind", "notifications.info")).hasSize(2);
    } finally {
      driver.close();
    }
  }
}
