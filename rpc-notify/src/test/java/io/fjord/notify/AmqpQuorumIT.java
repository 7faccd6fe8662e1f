package io.fjord.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.fjord.amqp.TestBroker;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The quorum profile: oslo's quorum queue arguments, and the broker's delivery limit against poison messages. */
class AmqpQuorumIT {

  /** Always fails. */
  public static final class Poisoned {
    final AtomicInteger attempts = new AtomicInteger();

    public void info(ReceivedNotification n) {
      attempts.incrementAndGet();
      throw new IllegalStateException("always fails");
    }
  }

  @Test
  void poisonOnAQuorumQueueIsDeadLetteredByTheBrokerAfterTheDeliveryLimit() throws Exception {
    String exchange = TestBroker.name("q_x");
    String topic = TestBroker.name("q_t");
    String dlx = TestBroker.name("q_dlx");
    String dlq = TestBroker.name("q_dlq");
    String url = TestBroker.url() + (TestBroker.url().contains("?") ? "&" : "?")
        + "rabbit_quorum_queue=true&rabbit_quorum_delivery_limit=3&dead_letter_exchange=" + dlx;
    try (Connection raw = TestBroker.rawConnection(); Channel ch = raw.createChannel()) {
      try {
        ch.exchangeDeclare(dlx, "fanout", false, true, Map.of());
        ch.queueDeclare(dlq, false, false, false, Map.of());
        ch.queueBind(dlq, dlx, "");
        Poisoned endpoint = new Poisoned();
        try (Transport t = Transport.open(TransportUrl.parse(url),
            TransportOptions.builder().controlExchange(exchange).closeTimeout(Duration.ofSeconds(2)).build())) {
          NotificationListener listener = NotificationListener.builder(t).target(Target.topic(topic)).allowRequeue(true)
              .maxRedeliveries(100).endpoint(endpoint).build();
          listener.start();
          Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build()
              .info(RequestContext.empty(), "poison", Map.of());

          long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          GetResponse dead = null;
          while (dead == null && System.nanoTime() - deadline < 0) {
            dead = ch.basicGet(dlq, true);
            if (dead == null) {
              Thread.sleep(50);
            }
          }
          assertThat(dead).as("dead-lettered by the broker").isNotNull();
          assertThat(endpoint.attempts.get()).as("first delivery + 3 redeliveries").isEqualTo(4);
          listener.close();

          // oslo's quorum declaration: durable, x-queue-type and x-delivery-limit; a mismatching declare fails
          Channel check = raw.createChannel();
          check.queueDeclare(topic + ".info", true, false, false, Map.of("x-queue-type", "quorum", "x-delivery-limit", 3,
              "x-dead-letter-exchange", dlx));
          check.close();
        }
      } finally {
        TestBroker.delete(raw, new String[] {topic + ".info", dlq}, new String[] {exchange, dlx});
      }
    }
  }
}
