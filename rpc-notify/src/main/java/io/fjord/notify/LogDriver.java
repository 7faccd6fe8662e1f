package io.fjord.notify;

import io.fjord.rpc.Transport;
import io.fjord.rpc.wire.OsloWire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * oslo's {@code log} driver: the notification's JSON on the logger
 * {@code oslo.messaging.notification.<event_type>}, at the level matching its priority.
 */
final class LogDriver implements NotificationDriver {
  static final LogDriver INSTANCE = new LogDriver();

  @Override
  public CompletableFuture<Void> send(Transport transport, Notification n, List<String> topics, Duration timeout,
                                      Integer retry) {
    var log = LoggerFactory.getLogger("oslo.messaging.notification." + n.eventType());
    String json = new String(OsloWire.encode(n.toWire(), false), StandardCharsets.UTF_8);
    switch (n.priority()) {
      case DEBUG -> log.debug(json);
      case WARN -> log.warn(json);
      case ERROR, CRITICAL -> log.error(json);
      default -> log.info(json);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public String toString() {
    return "log";
  }
}
