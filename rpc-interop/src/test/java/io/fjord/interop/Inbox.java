package io.fjord.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What Java endpoints received, for tests to wait on with a deadline. Thread-safe. */
final class Inbox<T> {
  private final List<T> items = new ArrayList<>();

  void add(T item) {
    synchronized (items) {
      items.add(item);
      items.notifyAll();
    }
  }

  /** Waits until {@code count} items match, then returns every matching item. */
  List<T> await(String what, int count, Duration timeout, Predicate<T> matcher) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (items) {
      while (true) {
        List<T> found = items.stream().filter(matcher).toList();
        if (found.size() >= count) {
          return found;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("Timed out after " + timeout + " waiting for " + count + " x " + what + "; got "
              + found.size() + ": " + found);
        }
        TimeUnit.NANOSECONDS.timedWait(items, left);
      }
    }
  }

  /** The items received so far that match. */
  List<T> all(Predicate<T> matcher) {
    synchronized (items) {
      return items.stream().filter(matcher).toList();
    }
  }
}
