package io.fjord.rpc.spi;

import java.time.Duration;

/**
 * How to publish one request.
 *
 * @param expiration message time-to-live for a call (oslo's {@code expiration} = the call timeout),
 *     null for casts
 * @param mandatory whether an unroutable message fails the send instead of being dropped
 * @param retry how many times to retry a publish on a broken connection; null retries until the
 *     deadline, 0 fails at once when not connected
 * @param deadline {@link System#nanoTime()} by which the send future MUST be completed
 */
public record SendOptions(Duration expiration, boolean mandatory, Integer retry, long deadline) {
}
