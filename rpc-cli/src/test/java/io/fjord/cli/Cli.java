package io.fjord.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs {@code fjord} in process, as tests do: captured stdout and stderr, an environment of the
 * test's choosing, and a {@link StopSignal} standing in for SIGTERM. Thread-safe.
 */
final class Cli {
  /** How long a test waits for output or an exit. */
  static final Duration WAIT = Duration.ofSeconds(20);

  final Output out = new Output();
  final Output err = new Output();
  final StopSignal stop = new StopSignal();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  private Cli() {
  }

  /** Runs {@code args} to completion and returns the finished run. */
  static Cli run(Map<String, String> env, String... args) {
    Cli cli = new Cli();
    cli.execute(env, args);
    return cli;
  }

  /** Starts {@code args} on a thread of its own (serve, listen) and returns the running command. */
  static Cli start(Map<String, String> env, String... args) {
    Cli cli = new Cli();
    Thread t = new Thread(() -> cli.execute(env, args), "fjord-" + args[0]);
    t.setDaemon(true);
    t.start();
    return cli;
  }

  private void execute(Map<String, String> env, String... args) {
    try {
      var cmd = FjordCli.commandLine(env, stop);
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      exit.complete(cmd.execute(args));
    } catch (Throwable t) {
      exit.completeExceptionally(t);
    } finally {
      stop.finished();
    }
  }

  /** The exit code, waiting up to {@link #WAIT} for the command to end. */
  int exitCode() throws InterruptedException, ExecutionException, TimeoutException {
    return exit.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean isRunning() {
    return !exit.isDone();
  }

  @Override
  public String toString() {
    return "exit " + (exit.isDone() ? exit.getNow(null) : "(running)") + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }

  /** Text written so far, with waits for what a test expects to appear. */
  static final class Output extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      text.append(buf, off, len);
      notifyAll();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Waits until the text so far satisfies {@code condition}; false when {@link #WAIT} ran out. */
    synchronized boolean await(Predicate<String> condition) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!condition.test(text.toString())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }

    @Override
    public synchronized String toString() {
      return text.toString();
    }
  }
}
