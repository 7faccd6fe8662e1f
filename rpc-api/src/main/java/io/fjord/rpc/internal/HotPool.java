package io.fjord.rpc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded pool of daemon threads that keeps the work on as few threads as keep up with it: an
 * idle worker is woken most-recently-idle first (a stack, where a {@code ThreadPoolExecutor} on a
 * {@code LinkedBlockingQueue} wakes the longest-idle one and so cycles every message through all
 * its threads), and at most one worker is being woken at a time, the woken one waking the next
 * when more work is queued. A message stream that one or two threads can serve stays on those
 * (warm caches, no contention on the connection's socket between dozens of writers), while
 * blocking work still spreads over up to {@code maxThreads}. Idle threads end after the keep-alive.
 *
 * <p>Measured with the benchmark (rpc-benchmarks, callAsync with 64 in flight): the 64-thread
 * {@code ThreadPoolExecutor} cost about 15% of throughput against a single thread; see the README.
 * Thread-safe.
 */
public final class HotPool extends AbstractExecutorService {
  private final String prefix;
  private final int maxThreads;
  private final long keepAliveNanos;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  /** Workers started and not yet ended. */
  private final AtomicInteger threads = new AtomicInteger();
  /** Workers woken or started that have not looked for a task yet. */
  private final AtomicInteger waking = new AtomicInteger();
  private final AtomicInteger names = new AtomicInteger();
  private final Object termination = new Object();
  private volatile boolean shutdown;

  /**
   * @param prefix thread names are {@code prefix-N}
   * @param maxThreads at most this many threads
   * @param keepAlive how long an idle thread waits for work before it ends
   */
  public HotPool(String prefix, int maxThreads, java.time.Duration keepAlive) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads must be at least 1, got " + maxThreads);
    }
    this.prefix = prefix;
    this.maxThreads = maxThreads;
    this.keepAliveNanos = keepAlive.toNanos();
  }

  private final class Worker implements Runnable {
    /** True while on the idle stack and not claimed by a waker. */
    final AtomicBoolean listed = new AtomicBoolean();
    Thread thread;

    @Override
    public void run() {
      boolean claimed = true; // started by a waker, counted in waking
      try {
        while (true) {
          if (claimed) {
            claimed = false;
            waking.decrementAndGet();
          }
          Runnable task = tasks.poll();
          if (task != null) {
            if (!tasks.isEmpty()) {
              signalWork(); // more queued: wake the next worker before running this one
            }
            runTask(task);
            continue;
          }
          if (shutdown) {
            return;
          }
          listed.set(true);
          idle.push(this);
          if (!tasks.isEmpty() || shutdown) {
            // work (or shutdown) came while listing: take it back, unless a waker claimed this worker
            if (listed.compareAndSet(true, false)) {
              idle.removeFirstOccurrence(this);
            } else {
              claimed = true;
            }
            continue;
          }
          long deadline = System.nanoTime() + keepAliveNanos;
          while (listed.get()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              if (listed.compareAndSet(true, false)) {
                idle.removeFirstOccurrence(this);
                return; // idle for the keep-alive: end
              }
              break;
            }
            LockSupport.parkNanos(this, left);
          }
          claimed = true; // unlisted by a waker (or by shutdown, which counts as one)
        }
      } finally {
        threads.decrementAndGet();
        if (!tasks.isEmpty() && !shutdown) {
          signalWork(); // raced with a submit that saw this thread alive
        }
        synchronized (termination) {
          termination.notifyAll();
        }
      }
    }

    private void runTask(Runnable task) {
      try {
        task.run();
      } catch (Throwable t) {
        Thread me = Thread.currentThread();
        me.getUncaughtExceptionHandler().uncaughtException(me, t);
        if (t instanceof VirtualMachineError) {
          throw t;
        }
      }
    }
  }

  /** Wakes an idle worker or starts one, unless one is already on its way. */
  private void signalWork() {
    if (waking.get() > 0) {
      return; // that worker takes a task and wakes the next one when more are queued
    }
    Worker w;
    while ((w = idle.pollFirst()) != null) {
      if (w.listed.compareAndSet(true, false)) {
        waking.incrementAndGet();
        LockSupport.unpark(w.thread);
        return;
      }
    }
    for (int t = threads.get(); t < maxThreads; t = threads.get()) {
      if (threads.compareAndSet(t, t + 1)) {
        waking.incrementAndGet();
        Worker worker = new Worker();
        Thread thread = new Thread(worker, prefix + "-" + names.incrementAndGet());
        thread.setDaemon(true);
        worker.thread = thread;
        try {
          thread.start();
        } catch (Throwable e) {
          waking.decrementAndGet();
          threads.decrementAndGet();
          throw e;
        }
        return;
      }
    }
    // every thread is busy: the first to finish takes the task from the queue
  }

  @Override
  public void execute(Runnable command) {
    if (shutdown) {
      throw new RejectedExecutionException(prefix + " is shut down");
    }
    tasks.add(command);
    signalWork();
  }

  /** Threads waiting for work (for tests and diagnostics). */
  int idleCount() {
    return (int) idle.stream().filter(w -> w.listed.get()).count();
  }

  /** Threads currently alive (for tests and diagnostics). */
  public int threadCount() {
    return threads.get();
  }

  @Override
  public void shutdown() {
    shutdown = true;
    Worker w;
    while ((w = idle.pollFirst()) != null) {
      if (w.listed.compareAndSet(true, false)) {
        waking.incrementAndGet();
        LockSupport.unpark(w.thread);
      }
    }
    synchronized (termination) {
      termination.notifyAll();
    }
  }

  /**
   * Shuts down and returns the tasks not yet started. Running tasks are not interrupted (Fjord's own
   * tasks settle their message and end; an endpoint stuck forever keeps its thread, as with shutdown).
   */
  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    List<Runnable> left = new ArrayList<>();
    Runnable r;
    while ((r = tasks.poll()) != null) {
      left.add(r);
    }
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && threads.get() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (termination) {
      while (!isTerminated()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(termination, left);
      }
      return true;
    }
  }

  @Override
  public String toString() {
    return "HotPool{" + prefix + ", threads=" + threads.get() + "/" + maxThreads + ", queued=" + tasks.size() + "}";
  }
}
