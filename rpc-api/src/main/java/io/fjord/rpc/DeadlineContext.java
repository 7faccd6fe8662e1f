package io.fjord.rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The deadline of the request being served, for deadline propagation: while an {@link io.fjord.rpc.server.RpcServer}
 * runs an endpoint method (and its interceptors), {@link #current()} on that thread is the caller's deadline,
 * and every {@link io.fjord.rpc.client.RpcClient} call or cast made there gets the earlier of its own timeout
 * and what is left of it ({@link Deadline#orInbound}). A call that runs out of an inherited deadline fails with
 * {@link DeadlineExceededException}.
 *
 * <p>It follows Fjord's own asynchronous completions: the stages of a {@code callAsync} or {@code castAsync}
 * future made while serving run with the deadline they were started under, so a {@code thenCompose} chain of
 * nested calls keeps it. Work handed to an executor of your own keeps it through {@link #wrap(Executor)} or
 * {@link #wrap(Runnable)}.
 *
 * <p>On the wire a call carries what is left of its deadline as the request-context key {@value #CONTEXT_KEY}
 * (milliseconds, an integer): relative, so clocks of different hosts need not agree; the server counts it from
 * when it received the request (time in the broker's queue is bounded by the message's expiration, set from the
 * same deadline). Python peers ignore the key; a call made by a Python server does not carry it on.
 */
public final class DeadlineContext {
  /** The request-context key carrying the milliseconds left of a request's deadline when it was sent. */
  public static final String CONTEXT_KEY = "fjord_deadline_ms";

  private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

  private DeadlineContext() {
  }

  /** The deadline of the request being served on this thread, or null outside one. */
  public static Deadline current() {
    return CURRENT.get();
  }

  /** Makes {@code deadline} (null: none) current until the returned scope is closed, which restores the previous one. */
  public static Scope open(Deadline deadline) {
    Deadline previous = CURRENT.get();
    set(deadline);
    return () -> set(previous);
  }

  private static void set(Deadline deadline) {
    if (deadline == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(deadline);
    }
  }

  /** {@code task} running with the deadline current now (none: {@code task} itself). */
  public static Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    Deadline captured = CURRENT.get();
    if (captured == null) {
      return task;
    }
    return () -> {
      try (Scope ignored = open(captured)) {
        task.run();
      }
    };
  }

  /** An executor running each task with the deadline that was current when the task was submitted. */
  public static Executor wrap(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return task -> executor.execute(wrap(task));
  }

  /** An executor running each task with {@code deadline} current (null: as submitted). */
  public static Executor with(Deadline deadline, Executor executor) {
    Objects.requireNonNull(executor, "executor");
    if (deadline == null) {
      return executor;
    }
    return task -> executor.execute(() -> {
      try (Scope ignored = open(deadline)) {
        task.run();
      }
    });
  }

  /** The budget a message carries for {@code deadline}: whole milliseconds left, at least 0. */
  public static long budgetMillis(Deadline deadline) {
    long nanos = deadline.remainingNanos();
    return nanos <= 0 ? 0 : Math.max(1, Duration.ofNanos(nanos).toMillis());
  }

  /** A current deadline, until closed. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
