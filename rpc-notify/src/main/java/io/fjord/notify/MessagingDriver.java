package io.fjord.notify;

import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.internal.Envelope;
import io.fjord.rpc.internal.Internal;
import io.fjord.rpc.internal.TransportCore;
import io.fjord.rpc.spi.SendOptions;
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
    TransportCore core = Internal.core(transport);
    core.ensureOpen();
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<?>[] sends = new CompletableFuture<?>[topics.size()];
    for (int i = 0; i < topics.size(); i++) {
      var message = NotificationWire.message(n);
      byte[] body = envelope ? Envelope.wrap(message) : Envelope.raw(message);
      sends[i] = core.driver().sendNotification(Target.topic(topics.get(i)), n.priority().routingName(), body,
          new SendOptions(null, false, retry, deadline));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(sends);
    core.deadlines().failAt(all, deadline, () -> new MessagingTimeoutException("The broker did not confirm notification "
        + n.eventType() + " (" + n.priority() + ") within " + timeout, Target.topic(topics.get(0)), n.eventType(),
        timeout, n.messageId()));
    return all;
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
