package io.fjord.testkit;

import io.fjord.notify.OnNotification;
import io.fjord.notify.Priority;
import io.fjord.notify.ReceivedNotification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A notification listener endpoint that records every notification (all priorities), so a test can
 * wait for them: {@code kit.listen(topic, recorder); ... recorder.await("compute.instance.create.end", WAIT)}.
 * Thread-safe.
 */
public final class NotificationRecorder {
  private final List<ReceivedNotification> received = new ArrayList<>();

  /** Called by the listener. */
  @OnNotification({Priority.AUDIT, Priority.DEBUG, Priority.INFO, Priority.WARN, Priority.ERROR, Priority.CRITICAL,
      Priority.SAMPLE})
  public void record(ReceivedNotification notification) {
    synchronized (received) {
      received.add(notification);
      received.notifyAll();
    }
  }

  /** Everything received so far, in order. */
  public List<ReceivedNotification> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Waits for the first notification of {@code eventType}. */
  public ReceivedNotification await(String eventType, Duration timeout) {
    return await(eventType, 1, timeout).get(0);
  }

  /**
   * Waits until {@code count} notifications of {@code eventType} arrived and returns them.
   *
   * @throws AssertionError when they did not arrive in time, listing what did
   */
  public List<ReceivedNotification> await(String eventType, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (true) {
        List<ReceivedNotification> matching = received.stream().filter(n -> eventType.equals(n.eventType())).toList();
        if (matching.size() >= count) {
          return matching.subList(0, count);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("Expected " + count + " notification(s) '" + eventType + "' within " + timeout
              + ", got " + matching.size() + "; all received: "
              + received.stream().map(ReceivedNotification::eventType).toList());
        }
        try {
          received.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("Interrupted while waiting for '" + eventType + "'", e);
        }
      }
    }
  }
}
