package io.fjord.notify.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.notify.Notification;
import io.fjord.notify.NotificationDriver;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.Notifier;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.Capability;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.UnsupportedCapabilityException;
import io.fjord.rpc.memory.MemoryDriverProvider;
import io.fjord.rpc.spi.Driver;
import io.fjord.rpc.spi.DriverListener;
import io.fjord.rpc.spi.DriverProvider;
import io.fjord.rpc.spi.MessageHandler;
import io.fjord.rpc.spi.SendOptions;
import io.fjord.rpc.wire.OsloWire;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The seams a notification driver and a transport driver written outside Fjord use: public types only
 * (this test lives in a package of its own, so nothing package-private or internal helps it).
 */
class CustomDriverTest {

  /** A notification driver of one's own: oslo's bytes through {@link Transport#publishNotification}. */
  static final class UpperCaseEventsDriver implements NotificationDriver {
    @Override
    public CompletableFuture<Void> send(Transport transport, Notification n, List<String> topics, Duration timeout,
                                        Integer retry) {
      Notification shouted = new Notification(n.messageId(), n.publisherId(), n.eventType().toUpperCase(),
          n.priority(), n.payload(), n.timestamp(), n.context());
      return CompletableFuture.allOf(topics.stream()
          .map(t -> transport.publishNotification(Target.topic(t), n.priority().routingName(),
              OsloWire.encode(shouted.toWire(), true), timeout, retry))
          .toArray(CompletableFuture<?>[]::new));
    }

    @Override
    public Set<Capability> requires() {
      return Set.of(Capability.NOTIFICATIONS);
    }
  }

  /** A transport driver without requeue: memory:// with {@link Capability#REQUEUE} taken away. */
  public static final class NoRequeueProvider implements DriverProvider {
    @Override
    public Set<String> schemes() {
      return Set.of("norequeue");
    }

    @Override
    public Driver open(TransportUrl url, TransportOptions options) {
      Driver memory = new MemoryDriverProvider().open(TransportUrl.parse("memory://"), options);
      return new Driver() {
        @Override
        public Set<Capability> capabilities() {
          EnumSet<Capability> c = EnumSet.copyOf(memory.capabilities());
          c.remove(Capability.REQUEUE);
          return c;
        }

        @Override
        public CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body,
                                                        SendOptions options) {
          return memory.sendNotification(target, priority, body, options);
        }

        @Override
        public DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                                     MessageHandler handler) {
          return memory.listenForNotifications(targets, priorities, pool, handler);
        }

        @Override
        public void close() {
          memory.close();
        }
      };
    }
  }

  /** Receives info notifications. */
  public static final class Infos {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    public void info(RequestContext context, String publisherId, String eventType, Map<String, Object> payload,
                     ReceivedNotification.Metadata metadata) {
      events.add(publisherId + " " + eventType + " " + payload);
    }
  }

  @Test
  void aNotificationDriverOfOnesOwnReachesAListener() throws Exception {
    String topic = "custom_" + UUID.randomUUID().toString().substring(0, 8);
    try (Transport t = Transport.open("memory://custom-driver")) {
      Infos infos = new Infos();
      try (NotificationListener l = NotificationListener.builder(t).target(Target.topic(topic)).endpoint(infos)
          .build()) {
        l.start();
        Notifier.builder(t).publisherId("svc.1").topics(topic).driver(new UpperCaseEventsDriver()).build()
            .info(RequestContext.empty(), "thing.created", Map.of("id", 7));
        assertThat(infos.events.poll(10, TimeUnit.SECONDS)).isEqualTo("svc.1 THING.CREATED {id=7}");
      }
    }
  }

  @Test
  void aListenerThatRequeuesNeedsADriverThatCan() throws Exception {
    String topic = "custom_" + UUID.randomUUID().toString().substring(0, 8);
    try (Transport t = Transport.open("norequeue://v")) {
      assertThatThrownBy(() -> NotificationListener.builder(t).target(Target.topic(topic)).endpoint(new Infos())
          .allowRequeue(true).build())
          .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
              e -> assertThat(e.capability()).isEqualTo(Capability.REQUEUE))
          .hasMessageContaining("with allowRequeue needs REQUEUE")
          .hasMessageContaining(NoRequeueProvider.class.getName());

      // without requeue the same driver serves notifications end to end
      Infos infos = new Infos();
      try (NotificationListener l = NotificationListener.builder(t).target(Target.topic(topic)).endpoint(infos)
          .build()) {
        l.start();
        Notifier.builder(t).publisherId("p").topics(topic).build().info(RequestContext.empty(), "e", Map.of());
        assertThat(infos.events.poll(10, TimeUnit.SECONDS)).isEqualTo("p e {}");
      }
    }
  }
}
