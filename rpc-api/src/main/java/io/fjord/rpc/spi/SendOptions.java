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
 */
public record SendOptions(Duration expiration, boolean mandatory, Integer retry, Deadline deadline) {
  public SendOptions {
    Objects.requireNonNull(deadline, "deadline");
  }
}
