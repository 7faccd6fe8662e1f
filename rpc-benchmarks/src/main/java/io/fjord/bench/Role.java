package io.fjord.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One side's server or client, in a JVM of its own, driven by {@link Compare} through its standard streams.
 *
 * <pre>
 * Role server SIDE SCENARIO PAYLOAD URL TOPIC                      prints READY, serves until a line on stdin
 * Role client SIDE SCENARIO PAYLOAD URL TOPIC WARMUP_MS MEASURE_MS prints START, END around the measured window,
 *                                                                  then RESULT with its figures
 * </pre>
 */
public final class Role {
  private Role() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Contender side = Contender.named(args[1]);
    Contender.Scenario scenario = Contender.Scenario.of(args[2]);
    Contender.Setup setup = new Contender.Setup(args[4], args[5], Integer.parseInt(args[3]));
    if (args[0].equals("server")) {
      try (AutoCloseable served = side.serve(scenario, setup)) {
        out.println("READY");
        out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      }
      out.println("CLOSED");
      out.flush();
      System.exit(0);
    }
    long warmup = Long.parseLong(args[6]);
    long measure = Long.parseLong(args[7]);
    Workload.Marks marks = new Workload.Marks() {
      @Override
      public void start() {
        out.println("START");
        out.flush();
      }

      @Override
      public void end() {
        out.println("END");
        out.flush();
      }
    };
    Stats stats;
    try (Contender.Client client = side.client(scenario, setup)) {
      stats = switch (scenario) {
        case CALL_1 -> Workload.closedLoop(1, warmup, measure, op(client), marks);
        case CALL_8 -> Workload.closedLoop(8, warmup, measure, op(client), marks);
        case CALL_64 -> Workload.closedLoop(64, warmup, measure, op(client), marks);
        case CALL_ASYNC_64 -> Workload.pipelined(64, warmup, measure, () -> call(client), marks);
        case CAST_ASYNC_1000, NOTIFY_ASYNC_1000 -> Workload.pipelined(1000, warmup, measure, () -> send(client), marks);
      };
    }
    out.printf(Locale.ROOT, "RESULT %d %d %d %.1f %.1f %.1f%n", stats.operations, stats.elapsedNanos, stats.cpuNanos,
        stats.percentileMicros(0.50), stats.percentileMicros(0.99), stats.percentileMicros(0.999));
    out.flush();
    System.exit(0);
  }

  private static java.util.function.Supplier<Workload.Op> op(Contender.Client client) {
    return () -> {
      try {
        return client.caller();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static java.util.concurrent.CompletableFuture<?> call(Contender.Client client) {
    try {
      return client.callAsync();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.concurrent.CompletableFuture<?> send(Contender.Client client) {
    try {
      return client.send();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
