package io.fjord.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What happened during an example, by key (a server, a pool, a listener): values in arrival order,
 * and waits for a condition bounded by a deadline, so examples never sleep and guess. Thread-safe.
 */
final class Tally {
  private final Map<String, List<String>> byKey = new LinkedHashMap<>();

  /** Records {@code value} under {@code key} and wakes up waiters. */
  synchronized void add(String key, String value) {
    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    notifyAll();
  }

  /** A copy of the values recorded under {@code key}. */
  synchronized List<String> get(String key) {
    return List.copyOf(byKey.getOrDefault(key, List.of()));
  }

  synchronized int count(String key) {
    return byKey.getOrDefault(key, List.of()).size();
  }

  /** All values under every key, key by key. */
  synchronized List<String> all() {
    List<String> all = new ArrayList<>();
    byKey.values().forEach(all::addAll);
    return all;
  }

  /** Values per key, in first-recorded order of the keys. */
  synchronized Map<String, List<String>> snapshot() {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    byKey.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  /** Waits until {@code condition} holds; false when {@code timeout} ran out first. */
  synchronized boolean await(Duration timeout, Predicate<Tally> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
