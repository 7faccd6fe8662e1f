package io.fjord.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A thread-safe list that tests wait on, with deadlines. */
final class Recorder<T> {
  private final List<T> items = new ArrayList<>();

  synchronized void add(T item) {
    items.add(item);
    notifyAll();
  }

  synchronized List<T> snapshot() {
    return List.copyOf(items);
  }

  synchronized int size() {
    return items.size();
  }

  /** Waits until at least {@code n} items arrived; fails naming what arrived. */
  synchronized List<T> awaitCount(int n, Duration timeout) throws InterruptedException {
    return awaitUntil(l -> l.size() >= n, timeout, "at least " + n + " items");
  }

  synchronized List<T> awaitUntil(Predicate<List<T>> condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(items)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what + "; got " + items.size() + ": " + items);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(items);
  }
}
