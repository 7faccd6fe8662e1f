package io.fjord.notify;

import io.fjord.rpc.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A driver for tests: keeps every notification sent through it, in order, and lets a test wait for
 * one. Thread-safe.
 */
public final class RecordingNotificationDriver implements NotificationDriver {
  private final List<Notification> sent = new ArrayList<>();

  @Override
  public synchronized CompletableFuture<Void> send(Transport transport, Notification n, List<String> topics,
                                                   Duration timeout, Integer retry) {
    sent.add(n);
    notifyAll();
    return CompletableFuture.completedFuture(null);
  }

  /** A snapshot of what was sent so far. */
  public synchronized List<Notification> notifications() {
    return List.copyOf(sent);
  }

  public synchronized void clear() {
    sent.clear();
  }

  /**
   * Waits for a notification matching {@code condition}.
   *
   * @throws AssertionError naming what was recorded when none matched within {@code timeout}
   */
  public synchronized Notification await(Predicate<Notification> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Notification n : sent) {
        if (condition.test(n)) {
          return n;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        List<String> seen = new ArrayList<>();
        sent.forEach(n -> seen.add(n.eventType() + "/" + n.priority()));
        throw new AssertionError("No matching notification within " + timeout + "; recorded: " + seen);
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  @Override
  public String toString() {
    return "recording";
  }
}
