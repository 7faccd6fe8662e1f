package io.fjord.notify;

import io.fjord.rpc.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** oslo's {@code noop} driver. */
final class NoopDriver implements NotificationDriver {
  static final NoopDriver INSTANCE = new NoopDriver();

  @Override
  public CompletableFuture<Void> send(Transport transport, Notification n, List<String> topics, Duration timeout,
                                      Integer retry) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public String toString() {
    return "noop";
  }
}
