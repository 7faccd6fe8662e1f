package io.fjord.notify;

/** What a listener endpoint method may return (oslo's {@code NotificationResult}); {@code void} means HANDLED. */
public enum NotificationResult {
  /** Processed: the message is acknowledged. */
  HANDLED,
  /**
   * Deliver it again later (when the listener allows requeue; otherwise it is acknowledged and
   * dropped, as oslo does). After the listener's redelivery limit it goes to the dead-letter topic,
   * or is dropped with an error log.
   */
  REQUEUE
}
