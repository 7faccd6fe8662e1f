package io.fjord.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fjord against the raw amqp-client limit, in one JVM run on one broker, alternating Fjord and raw
 * for every row and taking the median of the rounds.
 *
 * <pre>
 * mvn -B -q -DskipTests package exec:java -pl rpc-benchmarks -am [-Dexec.args="--quick"]
 * </pre>
 *
 * Options: {@code --quick} (one short round, 100 B only), {@code --url URL} (default RabbitMQ on
 * localhost), {@code --rounds N}, {@code --seconds S} per measurement, {@code --json FILE}
 * (default {@code target/bench-results.json}), {@code --threads} (print the CPU per operation of each
 * group of threads, warm-up included, to see where the time goes).
 */
public final class Bench {

  record Side(double opsPerSecond, double p50, double p99, double p999, double cpuPerOp) {
    static Side of(Stats s) {
      return new Side(s.opsPerSecond(), s.percentileMicros(0.50), s.percentileMicros(0.99), s.percentileMicros(0.999),
          s.cpuMicrosPerOp());
    }
  }

  record Row(String scenario, int payload, int wireBytes, Side fjord, Side raw) {
    double ratio() {
      return fjord.opsPerSecond / raw.opsPerSecond;
    }
  }

  /** One measurement of one side. */
  @FunctionalInterface
  interface Measurement {
    Stats run() throws Exception;
  }

  private final String url;
  private final boolean quick;
  private final int rounds;
  private final long measureMillis;
  private final long warmupMillis;
  private final Path json;
  private final String only;
  private final boolean threads;
  private final PrintStream progress = System.err;
  private int step;
  private int steps;

  private Bench(String[] args) {
    String u = "rabbit://guest:guest@localhost:5672/";
    boolean q = false;
    Integer r = null;
    Double seconds = null;
    Path j = Path.of("target", "bench-results.json");
    String only = null;
    boolean threads = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> q = true;
        case "--url" -> u = args[++i];
        case "--rounds" -> r = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--json" -> j = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        case "--threads" -> threads = true;
        case "--help", "-h" -> {
          System.out.println("usage: Bench [--quick] [--url URL] [--rounds N] [--seconds S] [--json FILE] [--only SCENARIO-PREFIX] [--threads]");
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
      }
    }
    this.url = u;
    this.quick = q;
    this.rounds = r != null ? r : (q ? 1 : 3);
    this.measureMillis = (long) ((seconds != null ? seconds : (q ? 0.3 : 3)) * 1000);
    this.warmupMillis = q ? 100 : 1000;
    this.json = j;
    this.only = only;
    this.threads = threads;
  }

  public static void main(String[] args) throws Exception {
    List<Row> rows = new Bench(args).run();
    if (rows.isEmpty()) {
      System.exit(1);
    }
  }

  List<Row> run() throws Exception {
    int[] payloads = quick ? new int[] {100} : new int[] {100, 1024};
    String[] scenarios = {"call x1", "call x8", "call x64", "callAsync w64", "cast async w1000", "cast x8 blocking",
        "notify async w1000"};
    if (only != null) {
      scenarios = java.util.Arrays.stream(scenarios).filter(x -> x.startsWith(only)).toArray(String[]::new);
    }
    steps = payloads.length * scenarios.length * rounds * 2;
    progress.printf("Fjord benchmark against raw amqp-client on %s (%d round(s), %d ms per measurement)%n",
        redacted(), rounds, measureMillis);
    long heapStart = heapAfterGc();
    List<Row> rows = new ArrayList<>();
    try (FjordSide fjord = new FjordSide(url).withUrl(url); RawBaseline raw = new RawBaseline(url)) {
      for (int payloadSize : payloads) {
        String payload = RawBaseline.payload(payloadSize);
        WireSizes sizes = WireSizes.measure(url, fjord, payload);
        raw.sizes(sizes);
        progress.printf("%d B payload: Fjord's bodies are %s; the raw baseline's are padded to the same sizes%n",
            payloadSize, sizes);
        for (String scenario : scenarios) {
          List<Side> f = new ArrayList<>();
          List<Side> r = new ArrayList<>();
          for (int round = 0; round < rounds; round++) {
            f.add(Side.of(measure(scenario + " fjord " + payloadSize + "B", fjordMeasurement(scenario, fjord, payload))));
            drain(scenario.startsWith("cast") ? fjord.topic : scenario.startsWith("notify") ? fjord.topic + "_n.info" : null);
            r.add(Side.of(measure(scenario + " raw " + payloadSize + "B", rawMeasurement(scenario, raw, payload))));
            drain(scenario.startsWith("cast") || scenario.startsWith("notify") ? raw.castQueue() : null);
          }
          int wire = scenario.startsWith("call") ? sizes.request() : scenario.startsWith("cast") ? sizes.cast()
              : sizes.notification();
          rows.add(new Row(scenario, payloadSize, wire, median(f), median(r)));
        }
      }
      long heapLoaded = heapAfterGc();
      double sustainedRate = 0;
      long sustainedCalls = 0;
      List<Long> heapSteps = new ArrayList<>(List.of(heapLoaded));
      if (!quick) {
        progress.println("sustained: call x64 fjord for 3 x 10 s (heap after GC between them)");
        for (int i = 0; i < 3; i++) {
          Stats s = Workload.closedLoop(64, 0, 10_000, () -> () -> fjord.call("x"));
          sustainedRate += s.opsPerSecond() / 3;
          sustainedCalls += s.operations;
          s = null; // the latency samples (8 bytes a call) are the benchmark's, not Fjord's: let them go
          heapSteps.add(heapAfterGc());
        }
      }
      long heapEnd = heapSteps.get(heapSteps.size() - 1);
      print(rows, heapStart, heapLoaded, heapEnd, sustainedRate, sustainedCalls, heapSteps);
      writeJson(rows, heapStart, heapLoaded, heapEnd);
    }
    return rows;
  }

  /**
   * Waits until the consumers have taken every one-way message the last measurement published: a
   * producer with confirms outruns its consumer (both Fjord's and raw), and a backlog left behind
   * would slow the next measurement down, whichever side it is.
   */
  private void drain(String queue) throws Exception {
    if (queue == null) {
      return;
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(300);
    try (com.rabbitmq.client.Connection c = RawBaseline.connect(url, "bench-drain");
         com.rabbitmq.client.Channel ch = c.createChannel()) {
      long left;
      while ((left = ch.queueDeclarePassive(queue).getMessageCount()) > 0) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(left + " messages still in " + queue + " after 300 s");
        }
        Thread.sleep(20);
      }
    }
  }

  private Stats measure(String what, Measurement m) throws Exception {
    step++;
    progress.printf("[%d/%d] %s%n", step, steps, what);
    if (!threads) {
      return m.run();
    }
    Map<String, Long> before = ThreadCpu.byGroup();
    Stats s = m.run();
    progress.println("  CPU us per op by thread group: " + ThreadCpu.perOp(before, ThreadCpu.byGroup(), s.operations));
    return s;
  }

  private Measurement fjordMeasurement(String scenario, FjordSide fjord, String payload) {
    return switch (scenario) {
      case "call x1" -> () -> Workload.closedLoop(1, warmupMillis, measureMillis, () -> () -> fjord.call(payload));
      case "call x8" -> () -> Workload.closedLoop(8, warmupMillis, measureMillis, () -> () -> fjord.call(payload));
      case "call x64" -> () -> Workload.closedLoop(64, warmupMillis, measureMillis, () -> () -> fjord.call(payload));
      case "callAsync w64" -> () -> Workload.pipelined(64, warmupMillis, measureMillis, () -> fjord.callAsync(payload));
      case "cast async w1000" -> () -> Workload.pipelined(1000, warmupMillis, measureMillis, () -> fjord.castAsync(payload));
      case "cast x8 blocking" -> () -> Workload.closedLoop(8, warmupMillis, measureMillis, () -> () -> fjord.cast(payload));
      case "notify async w1000" -> () -> Workload.pipelined(1000, warmupMillis, measureMillis, () -> fjord.notifyAsync(payload));
      default -> throw new IllegalArgumentException(scenario);
    };
  }

  private Measurement rawMeasurement(String scenario, RawBaseline raw, String payload) {
    return switch (scenario) {
      case "call x1" -> () -> Workload.closedLoop(1, warmupMillis, measureMillis, () -> () -> raw.call(payload));
      case "call x8" -> () -> Workload.closedLoop(8, warmupMillis, measureMillis, () -> () -> raw.call(payload));
      case "call x64" -> () -> Workload.closedLoop(64, warmupMillis, measureMillis, () -> () -> raw.call(payload));
      case "callAsync w64" -> () -> Workload.pipelined(64, warmupMillis, measureMillis, () -> {
        try {
          return raw.callAsync(payload);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      case "cast async w1000", "notify async w1000" -> () -> {
        try (RawBaseline.Caster caster = raw.new Caster(scenario.startsWith("notify"))) {
          return Workload.pipelined(1000, warmupMillis, measureMillis, () -> {
            try {
              return caster.cast(payload);
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
        }
      };
      case "cast x8 blocking" -> () -> {
        List<RawBaseline.Caster> casters = new ArrayList<>();
        try {
          return Workload.closedLoop(8, warmupMillis, measureMillis, () -> {
            try {
              RawBaseline.Caster c = raw.new Caster(false);
              synchronized (casters) {
                casters.add(c);
              }
              return () -> c.cast(payload).get();
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
        } finally {
          for (RawBaseline.Caster c : casters) {
            c.close();
          }
        }
      };
      default -> throw new IllegalArgumentException(scenario);
    };
  }

  private static Side median(List<Side> sides) {
    List<Side> sorted = new ArrayList<>(sides);
    sorted.sort(Comparator.comparingDouble(Side::opsPerSecond));
    return sorted.get(sorted.size() / 2);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private String redacted() {
    return io.fjord.rpc.TransportUrl.parse(url).toString();
  }

  private void print(List<Row> rows, long heapStart, long heapLoaded, long heapEnd, double sustainedRate,
                     long sustainedCalls, List<Long> heapSteps) {
    PrintStream out = System.out;
    out.println();
    out.printf(Locale.ROOT, "%-20s %6s %5s | %10s %10s %6s | %27s | %27s | %9s %9s %6s%n", "scenario", "bytes", "wire",
        "fjord op/s", "raw op/s", "ratio", "fjord p50/p99/p99.9 us", "raw p50/p99/p99.9 us", "fjord cpu", "raw cpu",
        "cpu x");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "%-20s %6d %5d | %10.0f %10.0f %6.2f | %8.0f %8.0f %9.0f | %8.0f %8.0f %9.0f | %9.1f %9.1f %6.2f%n",
          r.scenario, r.payload, r.wireBytes, r.fjord.opsPerSecond, r.raw.opsPerSecond, r.ratio(), r.fjord.p50, r.fjord.p99, r.fjord.p999,
          r.raw.p50, r.raw.p99, r.raw.p999, r.fjord.cpuPerOp, r.raw.cpuPerOp, r.fjord.cpuPerOp / r.raw.cpuPerOp);
    }
    out.printf(Locale.ROOT, "%nheap after GC: start %.1f MiB, after the table %.1f MiB, end %.1f MiB%n",
        heapStart / 1048576.0, heapLoaded / 1048576.0, heapEnd / 1048576.0);
    if (sustainedCalls > 0) {
      out.printf(Locale.ROOT, "sustained call x64 for 3 x 10 s: %.0f calls/s, %d calls, heap after GC %s MiB%n",
          sustainedRate, sustainedCalls, heapSteps.stream().map(h -> String.format(Locale.ROOT, "%.1f", h / 1048576.0))
              .collect(java.util.stream.Collectors.joining(" -> ")));
    }
    out.println("(bytes = payload; wire = body Fjord publishes (request, cast or notification; the raw baseline pads its");
    out.println(" JSON to the same sizes, replies too); cpu = client+server CPU of this JVM per operation, in us; both");
    out.println(" sides run in it; the broker is separate)");
  }

  private void writeJson(List<Row> rows, long heapStart, long heapLoaded, long heapEnd) throws IOException {
    StringBuilder sb = new StringBuilder("{\n  \"url\": \"").append(redacted()).append("\",\n  \"rounds\": ").append(rounds)
        .append(",\n  \"measureMillis\": ").append(measureMillis).append(",\n  \"heapAfterGc\": {\"start\": ")
        .append(heapStart).append(", \"loaded\": ").append(heapLoaded).append(", \"end\": ").append(heapEnd)
        .append("},\n  \"rows\": [\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT,
          "    {\"scenario\": \"%s\", \"payload\": %d, \"wireBytes\": %d, \"ratio\": %.3f, \"fjord\": %s, \"raw\": %s}%s%n",
          r.scenario, r.payload, r.wireBytes, r.ratio(), side(r.fjord), side(r.raw), i + 1 < rows.size() ? "," : ""));
    }
    sb.append("  ]\n}\n");
    if (json.getParent() != null) {
      Files.createDirectories(json.getParent());
    }
    Files.writeString(json, sb.toString());
    progress.println("results written to " + json);
  }

  private static String side(Side s) {
    return String.format(Locale.ROOT, "{\"opsPerSecond\": %.1f, \"p50us\": %.1f, \"p99us\": %.1f, \"p999us\": %.1f, \"cpuUsPerOp\": %.2f}",
        s.opsPerSecond, s.p50, s.p99, s.p999, s.cpuPerOp);
  }
}
