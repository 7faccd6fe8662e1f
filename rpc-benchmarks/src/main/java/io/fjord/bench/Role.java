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
 *                                                                  other than "heap" (which it answers with HEAP
 *                                                                  and its heap after GC in bytes), "mark" (the
 *                                                                  fanout row's window opened) or "fanout"
 *                                                                  (answered with FANOUT, its count, p50, p99, p99.9
 *                                                                  of the time to the last server in microseconds
 *                                                                  and the fanouts not yet everywhere)
 * Role client SIDE SCENARIO PAYLOAD URL TOPIC WARMUP_MS MEASURE_MS prints START, END around the measured window,
 *                                                                  then RESULT with its figures and HEAP with its
 *                                                                  heap after GC before the run, at START and at END,
 *                                                                  and the bytes its own latency samples took
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
      Fanout.Tally tally = new Fanout.Tally(Fanout.SERVERS);
      try (AutoCloseable served = scenario == Contender.Scenario.FANOUT_50 ? side.serveFanout(setup, tally)
          : side.serve(scenario, setup)) {
        out.println("READY");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          if (line.equals("heap")) {
            out.println("HEAP " + heapAfterGc());
          } else if (line.equals("mark")) {
            tally.mark();
          } else if (line.equals("fanout")) {
            Stats s = tally.take();
            out.printf(Locale.ROOT, "FANOUT %d %.1f %.1f %.1f %d%n", s.operations, s.percentileMicros(0.50),
                s.percentileMicros(0.99), s.percentileMicros(0.999), tally.incomplete());
          } else {
            break;
          }
          out.flush();
        }
      }
      out.println("CLOSED");
      out.flush();
      System.exit(0);
    }
    long warmup = Long.parseLong(args[6]);
    long measure = Long.parseLong(args[7]);
    boolean heap = scenario.scale && scenario != Contender.Scenario.FANOUT_50; // a collection would hold up the schedule
    long[] heaps = new long[3];
    Workload.Marks marks = new Workload.Marks() {
      @Override
      public void start() {
        if (heap) {
          heaps[1] = heapAfterGc();
        }
        out.println("START");
        out.flush();
      }

      @Override
      public void end() {
        out.println("END");
        out.flush();
        if (heap) {
          heaps[2] = heapAfterGc(); // with the window's calls still in flight
        }
      }
    };
    Stats stats;
    try (Contender.Client client = side.client(scenario, setup)) {
      if (heap) {
        heaps[0] = heapAfterGc();
      }
      stats = switch (scenario) {
        case CALL_1 -> Workload.closedLoop(1, warmup, measure, op(client), marks);
        case CALL_8 -> Workload.closedLoop(8, warmup, measure, op(client), marks);
        case CALL_64 -> Workload.closedLoop(64, warmup, measure, op(client), marks);
        case CALL_ASYNC_64 -> Workload.pipelined(64, warmup, measure, () -> call(client), marks);
        case CAST_ASYNC_1000, NOTIFY_ASYNC_1000 -> Workload.pipelined(1000, warmup, measure, () -> send(client), marks);
        case CALL_ASYNC_10000 -> Workload.pipelined(10_000, warmup, measure, () -> call(client), marks);
        case SOAK_64 -> Workload.pipelined(64, warmup, measure, () -> call(client), marks);
        case FANOUT_50 -> Workload.paced(Fanout.RATE, warmup, measure, () -> client.fanout(System.nanoTime()), marks);
      };
    }
    out.printf(Locale.ROOT, "RESULT %d %d %d %.1f %.1f %.1f%n", stats.operations, stats.elapsedNanos, stats.cpuNanos,
        stats.percentileMicros(0.50), stats.percentileMicros(0.99), stats.percentileMicros(0.999));
    out.printf(Locale.ROOT, "HEAP %d %d %d %d%n", heaps[0], heaps[1], heaps[2], stats.sampleBytes());
    out.flush();
    System.exit(0);
  }

  /** The heap in use after a full collection, in bytes. */
  static long heapAfterGc() {
    java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 2; i++) {
      System.gc(); // twice: what the first collection's finalization and reference handling let go of goes too
    }
    return memory.getHeapMemoryUsage().getUsed();
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
