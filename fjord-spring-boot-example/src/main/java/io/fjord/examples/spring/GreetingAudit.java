package io.fjord.examples.spring;

import io.fjord.notify.ReceivedNotification;
import io.fjord.spring.boot.NotificationListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The example's notification listener: every {@code greeter.*} notification, in its own pool. */
@Component
@NotificationListener(topics = "${fjord.notifications.topics}", pool = "${example.audit-pool}", eventType = "greeter\\.")
public class GreetingAudit {
  private static final Logger log = LoggerFactory.getLogger(GreetingAudit.class);
  private final List<ReceivedNotification> received = new CopyOnWriteArrayList<>();

  public void info(ReceivedNotification notification) {
    log.info("audit: {} from {}: {}", notification.eventType(), notification.publisherId(), notification.payload());
    synchronized (received) {
      received.add(notification);
      received.notifyAll();
    }
  }

  /** Waits up to {@code timeout} for a notification of {@code eventType}; null when none came. */
  public ReceivedNotification await(String eventType, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (true) {
        for (ReceivedNotification n : received) {
          if (n.eventType().equals(eventType)) {
            return n;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(received, left);
      }
    }
  }
}
