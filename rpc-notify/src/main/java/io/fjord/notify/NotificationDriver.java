package io.fjord.notify;

import io.fjord.rpc.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link Notifier} sends notifications (oslo's notification drivers): {@link #messagingV2()}
 * (the envelope-2.0 wire format, the default), {@link #messaging()} (legacy, no envelope),
 * {@link #log()} (SLF4J), {@link #noop()}, or a {@link RecordingNotificationDriver} for tests.
 *
 * <p>Implementations MUST be thread-safe and SHOULD NOT block: the future completes when the
 * notification is delivered (the broker confirmed it, for the messaging drivers) or failed.
 */
public interface NotificationDriver {

  /**
   * Sends {@code notification} once per topic.
   *
   * @param timeout how long delivery may take before the future fails
   * @param retry publish retries on a broken connection (null: until the timeout)
   */
  CompletableFuture<Void> send(Transport transport, Notification notification, List<String> topics, Duration timeout,
                               Integer retry);

  /**
   * What this driver needs of the transport's driver; a {@link Notifier} with a driver whose needs the
   * transport lacks fails at {@code build()}. Default: nothing (the log, noop and recording drivers).
   * Wrappers delegate.
   */
  default java.util.Set<io.fjord.rpc.Capability> requires() {
    return java.util.Set.of();
  }

  /** oslo's {@code messagingv2}: the envelope-2.0 body on the transport (the default driver). */
  static NotificationDriver messagingV2() {
    return MessagingDriver.V2;
  }

  /** oslo's legacy {@code messaging}: the bare JSON body, no envelope. */
  static NotificationDriver messaging() {
    return MessagingDriver.V1;
  }

  /** oslo's {@code log}: one SLF4J line per notification (logger {@code oslo.messaging.notification.<event_type>}). */
  static NotificationDriver log() {
    return LogDriver.INSTANCE;
  }

  /** oslo's {@code noop}: sends nothing. */
  static NotificationDriver noop() {
    return NoopDriver.INSTANCE;
  }
}
