package io.fjord.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.fjord.amqp.TestBroker;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Java notifier's publish on RabbitMQ, caught by a spy queue and compared with oslo's capture. */
class AmqpNotificationWireIT {

  @Test
  void notificationOnTheBrokerIsByteIdenticalToOslosApartFromIdsAndTime() throws Exception {
    String exchange = TestBroker.name("nwire_x");
    String topic = TestBroker.name("nwire_t");
    String spy = TestBroker.name("nwire_spy");
    try (Connection raw = TestBroker.rawConnection(); Channel ch = raw.createChannel();
         Transport t = Transport.open(TransportUrl.parse(TestBroker.url()),
             TransportOptions.builder().controlExchange(exchange).build())) {
      try {
        ch.exchangeDeclare(exchange, "topic", false, false, Map.of());
        ch.queueDeclare(spy, false, false, true, Map.of());
        ch.queueBind(spy, exchange, topic + ".info");
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("user_id", "u-1");
        ctx.put("project_id", "p-1");
        ctx.put("request_id", "req-n1");
        ctx.put("roles", List.of("reader"));
        ctx.put("auth_token", "never-sent");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("phase", 1);
        payload.put("prio", "info");
        Notifier.builder(t).publisherId("spec.host1").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build()
            .info(RequestContext.of(ctx), "spec.event.info", payload);

        GetResponse r = ch.basicGet(spy, true);
        assertThat(r).as("the notification is on the broker once info() returned (confirmed)").isNotNull();
        assertThat(r.getEnvelope().getExchange()).isEqualTo(exchange);
        assertThat(r.getEnvelope().getRoutingKey()).isEqualTo(topic + ".info");
        assertThat(r.getProps().getContentType()).isEqualTo("application/json");
        assertThat(r.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(r.getProps().getExpiration()).isNull();
        ObjectMapper json = new ObjectMapper();
        JsonNode m = json.readTree(json.readTree(r.getBody()).get("oslo.message").asText());
        String expected = NotificationWireTest.resource("notification_v2.json")
            .replace("fbf56bf0-fb93-4d03-8150-a9e5a2f5f891", m.get("message_id").asText())
            .replace("2026-11-24 14:46:05.809842", m.get("timestamp").asText())
            .replace("7960818d5caa41ad87c693d3a125a7bb", m.get("_unique_id").asText());
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo(expected);
        // the notifier declared the <topic>.<priority> queue itself, as oslo does
        assertThat(TestBroker.queueExists(raw, topic + ".info")).isTrue();
      } finally {
        TestBroker.delete(raw, new String[] {spy, topic + ".info"}, new String[] {exchange});
      }
    }
  }
}
