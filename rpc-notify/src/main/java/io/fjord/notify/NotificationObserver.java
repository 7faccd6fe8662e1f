package io.fjord.notify;

/**
 * Sees what a {@link NotificationListener} does with each notification, for metrics and audits
 * (see the rpc-micrometer module). Called on the listener's executor threads; MUST be thread-safe,
 * fast and never throw.
 */
@FunctionalInterface
public interface NotificationObserver {

  /** What became of a received notification. */
  enum Outcome {
    /** Its endpoints handled it; acknowledged. */
    HANDLED,
    /** Given back to the broker for another delivery. */
    REQUEUED,
    /** Acknowledged without being handled: requeue not allowed, or the redelivery limit with no dead-letter topic. */
    DROPPED,
    /** Moved to the dead-letter topic after the redelivery limit. */
    DEAD_LETTERED
  }

  /** {@code notification} is null for a message that failed before it could be decoded as one. */
  void settled(ReceivedNotification notification, Outcome outcome);

  /** Observes nothing. */
  NotificationObserver NONE = (n, o) -> { };
}
