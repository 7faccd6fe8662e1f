package io.fjord.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** Drives an operation closed-loop from N threads, or pipelined with a window, for a fixed time. */
final class Workload {
  private Workload() {
  }

  /** Called when the measured window opens and closes (the child JVMs of {@link Compare} print them). */
  interface Marks {
    Marks NONE = new Marks() {
    };

    default void start() {
    }

    default void end() {
    }
  }

  /** One blocking operation. */
  @FunctionalInterface
  interface Op {
    void run() throws Exception;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** {@code threads} callers each running {@code op} back to back; warm-up first, then measured. */
  static Stats closedLoop(int threads, long warmupMillis, long measureMillis, Supplier<Op> perThread) throws Exception {
    return closedLoop(threads, warmupMillis, measureMillis, perThread, Marks.NONE);
  }

  static Stats closedLoop(int threads, long warmupMillis, long measureMillis, Supplier<Op> perThread, Marks marks)
      throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<Stats> perThreadStats = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Stats s = new Stats();
      perThreadStats.add(s);
      Op op = perThread.get();
      Thread w = new Thread(() -> {
        try {
          while (!stop.get()) {
            long t0 = System.nanoTime();
            op.run();
            if (measuring.get()) {
              s.record(System.nanoTime() - t0);
            }
          }
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      }, "bench-" + t);
      w.setDaemon(true);
      workers.add(w);
    }
    workers.forEach(Thread::start);
    Thread.sleep(warmupMillis);
    marks.start();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    measuring.set(true);
    Thread.sleep(measureMillis);
    measuring.set(false);
    long elapsed = System.nanoTime() - t0;
    long cpu = processCpuNanos() - cpu0;
    marks.end();
    stop.set(true);
    for (Thread w : workers) {
      w.join(TimeUnit.SECONDS.toMillis(70));
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("benchmark operation failed: " + errors.get(0), errors.get(0));
    }
    Stats total = new Stats();
    perThreadStats.forEach(total::merge);
    total.elapsedNanos = elapsed;
    total.cpuNanos = cpu;
    return total;
  }

  /** One thread keeping {@code window} asynchronous operations in flight. */
  static Stats pipelined(int window, long warmupMillis, long measureMillis, Supplier<CompletableFuture<?>> op)
      throws Exception {
    return pipelined(window, warmupMillis, measureMillis, op, Marks.NONE);
  }

  static Stats pipelined(int window, long warmupMillis, long measureMillis, Supplier<CompletableFuture<?>> op,
                         Marks marks) throws Exception {
    Semaphore slots = new Semaphore(window);
    Stats s = new Stats();
    List<Throwable> errors = new ArrayList<>();
    long start = System.nanoTime();
    long measureFrom = start + warmupMillis * 1_000_000;
    long end = measureFrom + measureMillis * 1_000_000;
    long cpu0 = -1;
    long t0 = 0;
    while (true) {
      long now = System.nanoTime();
      if (now - end >= 0) {
        break;
      }
      if (cpu0 < 0 && now - measureFrom >= 0) {
        marks.start();
        cpu0 = processCpuNanos();
        t0 = now;
      }
      if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      long begin = System.nanoTime();
      boolean measured = begin - measureFrom >= 0;
      op.get().whenComplete((r, e) -> {
        long d = System.nanoTime() - begin;
        if (e != null) {
          synchronized (errors) {
            errors.add(e);
          }
        } else if (measured) {
          synchronized (s) {
            s.record(d);
          }
        }
        slots.release();
      });
    }
    long elapsed = System.nanoTime() - t0;
    long cpu = processCpuNanos() - cpu0;
    marks.end();
    if (!slots.tryAcquire(window, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("operations still in flight after 60 s");
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("benchmark operation failed: " + errors.get(0), errors.get(0));
    }
    synchronized (s) {
      s.elapsedNanos = elapsed;
      s.cpuNanos = cpu;
      return s;
    }
  }

  /**
   * One thread running {@code op} at {@code perSecond} a second, on a fixed schedule (a late operation does not
   * move the next one's slot); the recorded latency is each operation's own duration.
   */
  static Stats paced(int perSecond, long warmupMillis, long measureMillis, Op op, Marks marks) throws Exception {
    Stats s = new Stats();
    long interval = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    long measureFrom = start + warmupMillis * 1_000_000;
    long end = measureFrom + measureMillis * 1_000_000;
    long cpu0 = -1;
    long t0 = 0;
    for (long slot = start; slot - end < 0; slot += interval) {
      long now;
      while ((now = System.nanoTime()) - slot < 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(slot - now);
      }
      if (cpu0 < 0 && now - measureFrom >= 0) {
        marks.start();
        cpu0 = processCpuNanos();
        t0 = now;
      }
      op.run();
      if (cpu0 >= 0) {
        s.record(System.nanoTime() - now);
      }
    }
    s.elapsedNanos = System.nanoTime() - t0;
    s.cpuNanos = processCpuNanos() - cpu0;
    marks.end();
    return s;
  }
}
