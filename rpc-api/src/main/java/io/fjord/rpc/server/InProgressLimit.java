package io.fjord.rpc.server;

import io.fjord.rpc.spi.IncomingMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An {@link RpcServer}'s limit of requests in progress: a delivery that finds every slot taken waits here,
 * unacknowledged and not started, in arrival order, and starts when a request in progress finishes and hands
 * its slot on. Nothing waits unboundedly: a waiting delivery is unacknowledged, so the driver's per-consumer
 * prefetch (RabbitMQ's {@code basic.qos}, 64 by default; the memory driver's 64) caps how many can wait, and
 * beyond that the broker keeps the requests queued, for this server later or for another server of the topic.
 * A request that waited past its deadline is refused when it gets its slot, before dispatch
 * ({@link RequestProcessor}), so the wait counts against the deadline. Thread-safe; no lock is held while a
 * task starts.
 */
final class InProgressLimit {
  /** No limit. */
  static final int UNLIMITED = Integer.MAX_VALUE;

  /** A delivery waiting for a slot, with what starts it. */
  private record Waiting(IncomingMessage message, Runnable task) {
  }

  private final int max;
  private final Predicate<Waiting> starter;
  private final Object lock = new Object();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int inProgress;

  /**
   * @param max at most this many requests in progress ({@link #UNLIMITED}: no limit)
   * @param start starts a task for a delivery (hands it to the executor); returns false when it could not
   *     (the executor refused it and the delivery went back to its queue), and the slot is then passed on
   */
  InProgressLimit(int max, java.util.function.BiPredicate<IncomingMessage, Runnable> start) {
    if (max < 1) {
      throw new IllegalArgumentException("maxInProgress must be at least 1, got " + max);
    }
    this.max = max;
    this.starter = w -> start.test(w.message(), w.task());
  }

  int max() {
    return max;
  }

  /**
   * Starts {@code task} for {@code message} now when a slot is free, else queues it until one is; {@code task}
   * MUST lead to exactly one {@link #release()}.
   */
  void submit(IncomingMessage message, Runnable task) {
    Waiting w = new Waiting(message, task);
    synchronized (lock) {
      if (inProgress >= max) {
        waiting.add(w);
        return;
      }
      inProgress++;
    }
    if (!starter.test(w)) {
      release();
    }
  }

  /** A request in progress finished: its slot goes to the oldest waiting delivery, or is freed. */
  void release() {
    while (true) {
      Waiting next;
      synchronized (lock) {
        next = waiting.poll();
        if (next == null) {
          inProgress--;
          return;
        }
      }
      if (starter.test(next)) {
        return;
      }
      // the executor refused it (and returned it to its queue): the slot goes on to the next one
    }
  }

  /** Removes every waiting delivery (the server stops): the caller returns them to their queues. */
  List<IncomingMessage> drainWaiting() {
    List<IncomingMessage> drained = new ArrayList<>();
    synchronized (lock) {
      Waiting w;
      while ((w = waiting.poll()) != null) {
        drained.add(w.message());
      }
    }
    return drained;
  }

  /** Requests started and not finished. */
  int inProgress() {
    synchronized (lock) {
      return inProgress;
    }
  }

  /** Deliveries waiting for a slot. */
  int waiting() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  /** A release that happens once, however many times it is called. */
  Runnable releaseOnce() {
    java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        release();
      }
    };
  }
}
