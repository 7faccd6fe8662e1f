package io.fjord.rpc.internal;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fails futures that are still pending at their deadline, with one periodic sweep instead of a
 * timer task per operation (a timer task costs a heap insertion, often a timer-thread wake-up, and
 * keeps the operation reachable until it fires). Deadlines are honoured within the sweep period.
 * Thread-safe.
 */
public final class Deadlines {
  static final long SWEEP_MILLIS = 25;

  private record Entry(CompletableFuture<?> future, io.fjord.rpc.Deadline deadline, Supplier<? extends Throwable> error) {
  }

  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

  public Deadlines(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Fails {@code future} with {@code error} if it is not done by {@code deadline}. */
  public void failAt(CompletableFuture<?> future, io.fjord.rpc.Deadline deadline, Supplier<? extends Throwable> error) {
    if (!future.isDone()) {
      entries.add(new Entry(future, deadline, error));
    }
  }

  private void sweep() {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.future.isDone()) {
        it.remove();
      } else if (e.deadline.isExpired()) {
        it.remove();
        e.future.completeExceptionally(e.error.get());
      }
    }
  }
}
