package io.fjord.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command ({@code serve}, {@code listen}) learns it should end: SIGTERM/SIGINT
 * (the JVM's shutdown hook), a count reached, or a test. The shutdown hook then waits for the
 * command to report it finished, so it closes its transport before the JVM exits. Thread-safe.
 */
public final class StopSignal {
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean awaited;

  /** Asks the running command to stop. Idempotent. */
  public void request() {
    requested.countDown();
  }

  public boolean isRequested() {
    return requested.getCount() == 0;
  }

  /** Waits until a stop is requested; from then on the command counts as one that stops cleanly. */
  void await() throws InterruptedException {
    awaited = true;
    requested.await();
  }

  /**
   * True once a command waits for this signal (serve, listen): only such a command is worth waiting
   * for on shutdown; a call interrupted by Ctrl-C should end at once.
   */
  boolean isAwaited() {
    return awaited;
  }

  /** The command has returned (its resources are closed). */
  void finished() {
    finished.countDown();
  }

  /** Waits until the command has returned; false when {@code timeout} ran out first. */
  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
