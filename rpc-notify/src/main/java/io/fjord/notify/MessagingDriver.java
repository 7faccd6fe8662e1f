package io.fjord.notify;

import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.wire.OsloWire;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** oslo's {@code messaging} (v1, raw body) and {@code messagingv2} (envelope) drivers. Thread-safe. */
final class MessagingDriver implements NotificationDriver {
  static final MessagingDriver V1 = new MessagingDriver(false);
  static final MessagingDriver V2 = new MessagingDriver(true);

  private final boolean envelope;

  private MessagingDriver(boolean envelope) {
    this.envelope = envelope;
  }

  @Override
  public CompletableFuture<Void> send(Transport transport, Notification n, List<String> topics, Duration timeout,
                                      Integer retry) {
    // public seams only (Transport.publishNotification, OsloWire): a driver written outside Fjord looks the same
    CompletableFuture<?>[] sends = new CompletableFuture<?>[topics.size()];
    for (int i = 0; i < topics.size(); i++) {
      byte[] body = OsloWire.encode(n.toWire(), envelope);
      sends[i] = transport.publishNotification(Target.topic(topics.get(i)), n.priority().routingName(), body, timeout,
          retry);
    }
    return CompletableFuture.allOf(sends);
  }

  @Override
  public java.util.Set<io.fjord.rpc.Capability> requires() {
    return java.util.Set.of(io.fjord.rpc.Capability.NOTIFICATIONS);
  }

  @Override
  public String toString() {
    return envelope ? "messagingv2" : "messaging";
  }
}
