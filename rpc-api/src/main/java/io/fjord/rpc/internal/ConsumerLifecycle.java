package io.fjord.rpc.internal;

import io.fjord.rpc.spi.DriverListener;
import io.fjord.rpc.spi.IncomingMessage;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every consuming service shares (RPC servers, notification listeners): states
 * NEW, STARTING, RUNNING, STOPPED, CLOSED; messages handed from driver threads to an executor
 * and counted until processed; start without holding a lock across broker I/O; bounded close.
 * Thread-safe.
 */
public final class ConsumerLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLifecycle.class);
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private enum State { NEW, STARTING, RUNNING, STOPPED, CLOSED }

  private final String description;
  private final TransportCore core;
  private final AutoCloseable owner;
  private final Executor executor;
  private final boolean ownsExecutor;
  private final Object lock = new Object();
  private State state = State.NEW;
  private int inFlight;
  private DriverListener listener;

  /**
   * @param description for messages, e.g. {@code RpcServer for Target{topic=x}}
   * @param executor the user's executor, or null for a pool of 64 daemon threads named {@code threadPrefix-N}
   */
  public ConsumerLifecycle(String description, TransportCore core, AutoCloseable owner, Executor executor,
                           String threadPrefix) {
    this.description = description;
    this.core = core;
    this.owner = owner;
    if (executor != null) {
      this.executor = executor;
      this.ownsExecutor = false;
    } else {
      this.executor = namedPool(threadPrefix + "-" + POOL_IDS.incrementAndGet());
      this.ownsExecutor = true;
    }
  }

  /**
   * A pool of up to 64 daemon threads (oslo's executor_thread_pool_size) that keeps a message stream
   * on as few of them as keep up ({@link HotPool}); idle threads end after 60 s.
   */
  public static ExecutorService namedPool(String prefix) {
    return new HotPool(prefix, 64, Duration.ofSeconds(60));
  }

  public Executor executor() {
    return executor;
  }

  public boolean isRunning() {
    synchronized (lock) {
      return state == State.RUNNING || state == State.STARTING;
    }
  }

  /**
   * Starts consuming with {@code listen}, which runs outside the lock.
   *
   * @throws IllegalStateException when not NEW
   */
  public void start(Supplier<DriverListener> listen) {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException(description + " cannot start: it is " + state
            + " (it starts once; build a new one to start again)");
      }
      core.ensureOpen();
      state = State.STARTING;
    }
    DriverListener l;
    try {
      l = listen.get();
    } catch (RuntimeException e) {
      synchronized (lock) {
        state = State.NEW;
      }
      throw e;
    }
    boolean stoppedMeanwhile;
    synchronized (lock) {
      listener = l;
      stoppedMeanwhile = state != State.STARTING;
      if (!stoppedMeanwhile) {
        state = State.RUNNING;
      }
    }
    if (stoppedMeanwhile) {
      l.stop();
      return;
    }
    core.register(owner);
  }

  /** Stops consuming; returns false when it was already stopped. Idempotent. */
  public boolean stop() {
    DriverListener l;
    synchronized (lock) {
      if (state == State.STOPPED || state == State.CLOSED) {
        return false;
      }
      state = State.STOPPED;
      l = listener;
      lock.notifyAll();
    }
    if (l != null) {
      l.stop();
    }
    return true;
  }

  /**
   * Waits until stopped and every admitted message is {@link #done()}.
   *
   * @throws IllegalStateException when still running
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      if (state == State.NEW || state == State.STARTING || state == State.RUNNING) {
        throw new IllegalStateException(description + " is " + state + ": call stop() before awaitTermination");
      }
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /**
   * Stops (running {@code afterStop}), waits up to the transport's close timeout, closes the driver
   * listener and the owned executor. Idempotent.
   */
  public void close(Runnable afterStop) {
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
    }
    if (stop() && afterStop != null) {
      afterStop.run();
    }
    try {
      if (!awaitTermination(core.options().closeTimeout())) {
        log.warn("{} closed with {} message(s) still being processed", description, inFlightCount());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    DriverListener l;
    synchronized (lock) {
      state = State.CLOSED;
      l = listener;
    }
    if (l != null) {
      l.close();
    }
    if (ownsExecutor) {
      ((ExecutorService) executor).shutdown();
    }
    core.unregister(owner);
  }

  private int inFlightCount() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /**
   * Admits a delivery and runs {@code task} on the executor; the task MUST call {@link #done()}
   * once when the message is settled. A delivery after stop goes back to its queue.
   */
  public void execute(IncomingMessage message, Runnable task) {
    if (admit(message)) {
      handOff(message, task);
    }
  }

  /**
   * Admits a delivery to be processed on the calling thread, or by a later {@link #handOff}; the caller
   * MUST call {@link #done()} once when it is settled. A delivery after stop goes back to its queue, and
   * false is returned.
   */
  public boolean admit(IncomingMessage message) {
    synchronized (lock) {
      if (state != State.RUNNING && state != State.STARTING) {
        message.reject(true);
        return false;
      }
      inFlight++;
      return true;
    }
  }

  /**
   * Runs {@code task} for an {@link #admit admitted}, unsettled delivery on the executor; the task MUST call
   * {@link #done()}. When the executor refuses it, the delivery goes back to its queue, {@link #done()} is
   * called here and false returned.
   */
  public boolean handOff(IncomingMessage message, Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      log.warn("The executor of {} rejected a message; returning it to its queue", description);
      message.reject(true);
      done();
      return false;
    }
  }

  /** One admitted message is settled. */
  public void done() {
    synchronized (lock) {
      inFlight--;
      if (inFlight <= 0) {
        lock.notifyAll();
      }
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return state.toString();
    }
  }
}
