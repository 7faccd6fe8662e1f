package io.fjord.rpc.internal;

import java.util.ArrayDeque;

/** The last N message ids seen (oslo's {@code _MsgIdCache}, 16 entries) for duplicate detection. Thread-safe. */
public final class RecentIds {
  private final int capacity;
  private final ArrayDeque<String> ids;

  public RecentIds(int capacity) {
    this.capacity = capacity;
    this.ids = new ArrayDeque<>(capacity);
  }

  public synchronized boolean contains(String id) {
    return ids.contains(id);
  }

  /** Remembers {@code id}, forgetting the oldest beyond capacity. */
  public synchronized void add(String id) {
    if (ids.size() == capacity) {
      ids.removeFirst();
    }
    ids.addLast(id);
  }

  /** Remembers {@code id}; returns true when it was already there (a duplicate). */
  public synchronized boolean checkAndAdd(String id) {
    if (ids.contains(id)) {
      return true;
    }
    add(id);
    return false;
  }
}
