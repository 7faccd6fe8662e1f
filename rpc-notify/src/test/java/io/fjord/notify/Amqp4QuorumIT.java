package io.fjord.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.amqp.TestBroker;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ 4's default quorum delivery limit (20) against a listener whose maxRedeliveries is higher:
 * the broker would drop a poison message after 21 deliveries, behind the listener's dead-letter
 * topic's back; the listener settles it within the broker's limit instead, so it reaches the
 * dead-letter topic.
 */
@Tag("rabbitmq4")
class Amqp4QuorumIT {

  /** Always fails. */
  public static final class Poisoned {
    final AtomicInteger attempts = new AtomicInteger();

    public void info(ReceivedNotification n) {
      attempts.incrementAndGet();
      throw new IllegalStateException("always fails");
    }
  }

  /** Records what reaches the dead-letter topic. */
  public static final class DeadLetters {
    final List<String> eventTypes = new CopyOnWriteArrayList<>();

    public void info(ReceivedNotification n) {
      eventTypes.add(n.eventType());
    }
  }

  @Test
  void poisonReachesTheDeadLetterTopicWithinTheBrokersDefaultDeliveryLimit() throws Exception {
    String exchange = TestBroker.name("q4_x");
    String topic = TestBroker.name("q4_t");
    String dlt = TestBroker.name("q4_dlt");
    String url = TestBroker.rabbit4Url();
    url = url + (url.contains("?") ? "&" : "?") + "rabbit_quorum_queue=true";
    Poisoned poisoned = new Poisoned();
    DeadLetters deadLetters = new DeadLetters();
    try (Transport t = Transport.open(TransportUrl.parse(url),
        TransportOptions.builder().controlExchange(exchange).closeTimeout(Duration.ofSeconds(2)).build())) {
      try {
        NotificationListener.builder(t).target(Target.topic(dlt)).endpoint(deadLetters).build().start();
        NotificationListener listener = NotificationListener.builder(t).target(Target.topic(topic)).allowRequeue(true)
            .maxRedeliveries(30).deadLetterTopic(dlt).endpoint(poisoned).build();
        listener.start();
        Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build()
            .info(RequestContext.empty(), "poison", Map.of());

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (deadLetters.eventTypes.isEmpty() && System.nanoTime() - deadline < 0) {
          Thread.sleep(20); // polling the dead-letter endpoint's record, bounded by the deadline
        }
        assertThat(deadLetters.eventTypes).as("on the dead-letter topic").containsExactly("poison");
        assertThat(poisoned.attempts.get()).as("the first delivery and the broker's 20 redeliveries").isEqualTo(21);
      } finally {
        try (var raw = TestBroker.rawConnection(TestBroker.rabbit4Url())) {
          TestBroker.delete(raw, new String[] {topic + ".info", dlt + ".info", dlt + ".error"}, new String[] {exchange});
        }
      }
    }
  }
}
