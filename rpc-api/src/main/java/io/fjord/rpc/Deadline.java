package io.fjord.rpc;

import java.time.Duration;
import java.util.Objects;

/**
 * When an operation (a call, a cast, a notification) must be over: made once from its timeout when the
 * operation starts, then carried through the interceptors, the driver's send options and the reply
 * waiter, so every stage agrees on the same instant. Read on a {@link Clock}, which tests can replace with
 * one they advance themselves ({@link TransportOptions.Builder#clock}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Deadline {

  /** A monotonic nanosecond clock. {@link #SYSTEM} reads {@link System#nanoTime()}. */
  @FunctionalInterface
  public interface Clock {
    /** The system's monotonic clock. */
    Clock SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences between two readings mean anything. */
    long nanoTime();
  }

  private final Clock clock;
  private final Duration timeout;
  private final long at;
  private final boolean propagated;

  private Deadline(Clock clock, Duration timeout, long at, boolean propagated) {
    this.clock = clock;
    this.timeout = timeout;
    this.at = at;
    this.propagated = propagated;
  }

  /**
   * The deadline {@code timeout} from now on {@code clock}.
   *
   * @throws IllegalArgumentException when {@code timeout} is negative
   */
  public static Deadline after(Duration timeout, Clock clock) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(clock, "clock");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    return new Deadline(clock, timeout, clock.nanoTime() + saturatedNanos(timeout), false);
  }

  /**
   * The deadline of a call made while serving a request, inherited from that request's: {@code remaining}
   * from now on {@code clock}, {@linkplain #isPropagated() propagated}. An operation that runs out of it fails
   * with {@link DeadlineExceededException}.
   */
  public static Deadline propagated(Duration remaining, Clock clock) {
    Deadline d = after(remaining, clock);
    return new Deadline(clock, remaining, d.at, true);
  }

  /**
   * The earlier of this deadline and {@code inbound}, the deadline of the request being served: this one when
   * it comes first or {@code inbound} is null, else a {@linkplain #propagated propagated} deadline at
   * {@code inbound}'s instant on this deadline's clock.
   */
  public Deadline orInbound(Deadline inbound) {
    if (inbound == null) {
      return this;
    }
    long left = inbound.remainingNanos();
    if (left >= remainingNanos()) {
      return this;
    }
    return propagated(Duration.ofNanos(Math.max(0, left)), clock);
  }

  /** The deadline {@code timeout} from now on the system clock. */
  public static Deadline after(Duration timeout) {
    return after(timeout, Clock.SYSTEM);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  /** The timeout this deadline was made from (for messages: "timed out after 5s"). */
  public Duration timeout() {
    return timeout;
  }

  /** The clock this deadline is read on. */
  public Clock clock() {
    return clock;
  }

  /** The deadline as a reading of {@link #clock()}. */
  public long nanoTime() {
    return at;
  }

  /** Time left, zero once passed. */
  public Duration remaining() {
    long left = at - clock.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** Nanoseconds left, zero or negative once passed. */
  public long remainingNanos() {
    return at - clock.nanoTime();
  }

  /**
   * True for a deadline inherited from the request being served ({@link DeadlineContext}), rather than made
   * from the operation's own timeout.
   */
  public boolean isPropagated() {
    return propagated;
  }

  /** True once the clock reached the deadline. */
  public boolean isExpired() {
    return clock.nanoTime() - at >= 0;
  }

  @Override
  public String toString() {
    return "Deadline{timeout=" + timeout + ", remaining=" + remaining() + (propagated ? ", propagated" : "") + "}";
  }
}
