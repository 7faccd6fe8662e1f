package io.fjord.rpc.spi;

import io.fjord.rpc.Deadline;
import java.time.Duration;
import java.util.Objects;

/**
 * How to send one message.
 *
 * @param expiration how long the message may wait for a consumer before the broker drops it (a call's
 *     timeout, as oslo's {@code expiration}); null for no limit (casts, notifications)
 * @param mandatory whether a message that no queue takes fails the send instead of being dropped
 * @param retry how many times to retry a send on a broken connection; null retries until the
 *     deadline, 0 fails at once when not connected
 * @param deadline by when the send's future MUST be complete: the operation's own deadline
 * @param priority the message's priority, 0 (oslo's, the default) to 9, as
 *     {@link io.fjord.rpc.client.CallOptions.Builder#priority} validates it; a driver whose broker can order
 *     by it SHOULD pass it on (the AMQP driver sends it as the {@code priority} property), one that cannot
 *     MAY ignore it (the memory driver does), and it MUST NOT fail a send for it
 */
public record SendOptions(Duration expiration, boolean mandatory, Integer retry, Deadline deadline, int priority) {
  public SendOptions {
    Objects.requireNonNull(deadline, "deadline");
    if (priority < 0 || priority > 9) {
      throw new IllegalArgumentException("priority must be 0 to 9, got " + priority);
    }
  }

  /** Options with priority 0, oslo's: what replies, notifications and most sends use. */
  public SendOptions(Duration expiration, boolean mandatory, Integer retry, Deadline deadline) {
    this(expiration, mandatory, retry, deadline, 0);
  }
}
