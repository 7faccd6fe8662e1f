package io.fjord.bench;

import io.fjord.rpc.TransportUrl;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Fjord against the raw amqp-client floor, the same raw code on oslo's wire, and Spring AMQP: every side's
 * server and client in JVMs of their own, a fresh pair per measurement, warmed up before it is measured;
 * CPU per operation split into client, server and broker.
 *
 * <pre>
 * mvn -B -q -DskipTests package exec:java -pl rpc-benchmarks -am -Dexec.mainClass=io.fjord.bench.Compare [-Dexec.args="--quick"]
 * </pre>
 *
 * Options: {@code --warmup S} (default 20), {@code --seconds S} measured (default 10), {@code --rounds N}
 * (default 1; the median of N), {@code --sides floor,oslo-raw,spring,fjord}, {@code --only SCENARIO-PREFIX[,PREFIX...]},
 * {@code --payloads 100,1024}, {@code --scale} (instead of the rows above: calls of 1 and 8 MiB with MB/s,
 * 10,000 calls in flight with the client's heap per pending call, callAsync w64 for 6 times the measured window (60 s) with the heap after GC of
 * client and server at its start and end, and 50 servers on one topic getting 100 fanouts a second with the time until the
 * last one got each), {@code --url URL}, {@code --json FILE}, {@code --quick} (1 s + 1 s, 100 B),
 * {@code --jvm-opt OPTION} (repeatable: for the child JVMs, {@code {role}} replaced by e.g. {@code server-fjord-CALL_1}, for a
 * JFR recording's file name).
 * The broker's CPU is read from /proc when it runs on this machine.
 */
public final class Compare {
  static final List<String> SIDES = List.of("floor", "oslo-raw", "spring", "fjord", "fjord-fast");
  /** The module's build folder, whether Maven runs from the repository's root (exec:java) or from the module. */
  static final Path TARGET = Files.isDirectory(Path.of("rpc-benchmarks")) ? Path.of("rpc-benchmarks", "target")
      : Path.of("target");

  /** One measurement of one side. */
  record Result(String side, Contender.Scenario scenario, int payload, double opsPerSecond, double p50, double p99,
                double p999, double clientCpu, double serverCpu, double brokerCpu, Heap heap, long reachedAll) {
    double cpu() {
      return clientCpu + serverCpu;
    }
  }

  // for the fanout row: p50/p99/p99.9 are the time until the last server got a fanout, reachedAll how many of
  // the window's fanouts got to every server (-1 on the other rows)

  /**
   * Heaps after GC of a scale row, in bytes: the client's before its run and at the measured window's start and
   * end (with the window's calls in flight), the server's at the window's start and end, and what the client's
   * latency samples (the harness's own, 8 bytes per measured call) took of its heap at the end; -1 where not
   * measured.
   */
  record Heap(long clientBefore, long clientStart, long clientEnd, long serverStart, long serverEnd, long samples) {
    static final Heap NONE = new Heap(-1, -1, -1, -1, -1, -1);
  }

  /** One row of the table: a scenario with a payload size. */
  record Case(Contender.Scenario scenario, int payload) {
  }

  private final String url;
  private final long warmupMillis;
  private final long measureMillis;
  private final int rounds;
  private final List<String> sides;
  private final List<Case> cases;
  private final Path json;
  private final PrintStream progress = System.err;
  private final long brokerPid;
  private final String classpath;
  private final List<String> jvmOptions;

  Compare(String[] args) {
    String u = "rabbit://guest:guest@localhost:5672/";
    double warmup = 20;
    double seconds = 10;
    int r = 1;
    List<String> s = SIDES;
    String only = null;
    boolean scale = false;
    int[] p = {100, 1024};
    Path j = TARGET.resolve("compare-results.json");
    List<String> jvm = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> u = args[++i];
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--rounds" -> r = Integer.parseInt(args[++i]);
        case "--sides" -> s = List.of(args[++i].split(","));
        case "--only" -> only = args[++i];
        case "--payloads" -> p = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--json" -> j = Path.of(args[++i]);
        case "--jvm-opt" -> jvm.add(args[++i]);
        case "--scale" -> scale = true;
        case "--quick" -> {
          warmup = 1;
          seconds = 1;
          p = new int[] {100};
        }
        case "--help", "-h" -> {
          System.out.println("usage: Compare [--quick] [--warmup S] [--seconds S] [--rounds N] [--sides a,b]"
              + " [--only SCENARIO-PREFIX,...] [--payloads 100,1024] [--scale] [--url URL] [--json FILE] [--jvm-opt OPTION]");
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
      }
    }
    s.forEach(Contender::named); // an unknown side fails here, before anything runs
    List<String> prefixes = only == null ? List.of() : List.of(only.split(","));
    this.url = u;
    this.warmupMillis = (long) (warmup * 1000);
    this.measureMillis = (long) (seconds * 1000);
    this.rounds = r;
    this.sides = s;
    java.util.function.Predicate<Contender.Scenario> chosen = x -> prefixes.isEmpty()
        || prefixes.stream().anyMatch(pre -> x.label.startsWith(pre) || x.name().startsWith(pre));
    List<Case> c = new ArrayList<>();
    if (scale) {
      // the scale rows: big calls, 10,000 in flight, a 60 s run's heap
      for (Case k : List.of(new Case(Contender.Scenario.CALL_1, 1 << 20), new Case(Contender.Scenario.CALL_1, 8 << 20),
          new Case(Contender.Scenario.CALL_ASYNC_10000, 100), new Case(Contender.Scenario.SOAK_64, 100),
          new Case(Contender.Scenario.FANOUT_50, 100))) {
        if (chosen.test(k.scenario())) {
          c.add(k);
        }
      }
    } else {
      for (int payload : p) {
        for (Contender.Scenario x : Contender.Scenario.values()) {
          if (!x.scale && chosen.test(x)) {
            c.add(new Case(x, payload));
          }
        }
      }
    }
    this.cases = List.copyOf(c);
    this.json = j;
    TransportUrl parsed = TransportUrl.parse(u);
    String host = parsed.hosts().isEmpty() ? "localhost" : parsed.hosts().get(0).hostname();
    int port = parsed.hosts().isEmpty() ? 5672 : parsed.hosts().get(0).portOr(5672);
    this.brokerPid = host.equals("localhost") || host.startsWith("127.") ? ProcCpu.brokerListeningOn(port) : -1;
    this.classpath = classpath();
    this.jvmOptions = List.copyOf(jvm);
  }

  public static void main(String[] args) throws Exception {
    List<Result> results = new Compare(args).run();
    System.exit(results.isEmpty() ? 1 : 0);
  }

  List<Result> run() throws Exception {
    int total = cases.size() * rounds * sides.size();
    progress.printf(Locale.ROOT, "Comparing %s on %s: %d measurements of %.0f s warm-up + %.0f s, each side's server and "
        + "client in JVMs of their own (about %.0f min)%n", String.join(", ", sides), TransportUrl.parse(url),
        total, warmupMillis / 1000.0, measureMillis / 1000.0, total * (warmupMillis + measureMillis + 4000) / 60000.0);
    progress.println(brokerPid > 0 ? "broker CPU: process " + brokerPid + " (/proc)"
        : "broker CPU: not measured (the broker is not a local process this user can read)");
    List<Result> all = new ArrayList<>();
    int step = 0;
    for (Case k : cases) {
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < sides.size(); i++) {
          String side = sides.get((i + round) % sides.size()); // a different side goes first each round
          step++;
          progress.printf(Locale.ROOT, "[%d/%d] %s %d B %s ... ", step, total, k.scenario().label, k.payload(), side);
          progress.flush();
          Result res = measure(side, k.scenario(), k.payload());
          all.add(res);
          progress.printf(Locale.ROOT, "%,.0f/s, p50 %.0f us, CPU us/op client %.1f + server %.1f, broker %s%s%n",
              res.opsPerSecond, res.p50, res.clientCpu, res.serverCpu,
              Double.isNaN(res.brokerCpu) ? "n/a" : String.format(Locale.ROOT, "%.1f", res.brokerCpu), extra(res));
        }
      }
    }
    List<Result> medians = medians(all);
    print(medians);
    writeJson(medians);
    return medians;
  }

  private Result measure(String side, Contender.Scenario scenario, int payload) throws Exception {
    String topic = "cmp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Process server = start("server", side, scenario.name(), Integer.toString(payload), url, topic);
    try {
      BufferedReader serverOut = reader(server);
      expect(serverOut, "READY", server, side + " server");
      long window = scenario == Contender.Scenario.SOAK_64 ? SOAK_FACTOR * measureMillis : measureMillis;
      Process client = start("client", side, scenario.name(), Integer.toString(payload), url, topic,
          Long.toString(warmupMillis), Long.toString(window));
      try {
        BufferedReader clientOut = reader(client);
        boolean soak = scenario == Contender.Scenario.SOAK_64;
        expect(clientOut, "START", client, side + " client");
        boolean fanout = scenario == Contender.Scenario.FANOUT_50;
        if (fanout) {
          tell(server, "mark");
        }
        long serverStart = soak ? serverHeap(server, serverOut, side) : -1;
        long s0 = ProcCpu.nanos(server.pid());
        long b0 = brokerPid > 0 ? ProcCpu.nanos(brokerPid) : -1;
        expect(clientOut, "END", client, side + " client");
        long s1 = ProcCpu.nanos(server.pid());
        long b1 = brokerPid > 0 ? ProcCpu.nanos(brokerPid) : -1;
        long serverEnd = soak ? serverHeap(server, serverOut, side) : -1;
        String[] last = null;
        if (fanout) {
          // the fanouts sent in the window that reached every server by now (the rest are counted, not timed)
          tell(server, "fanout");
          last = expect(serverOut, "FANOUT", server, side + " server").split(" ");
        }
        String result = expect(clientOut, "RESULT", client, side + " client");
        String[] h = expect(clientOut, "HEAP", client, side + " client").split(" ");
        Heap heap = scenario.scale && !fanout ? new Heap(Long.parseLong(h[1]), Long.parseLong(h[2]), Long.parseLong(h[3]),
            serverStart, serverEnd, Long.parseLong(h[4])) : Heap.NONE;
        String[] f = result.split(" ");
        long operations = Long.parseLong(f[1]);
        double seconds = Long.parseLong(f[2]) / 1e9;
        double ops = operations / seconds;
        double perOp = 1e-3 / Math.max(1, operations); // ns -> us per operation
        client.waitFor(60, TimeUnit.SECONDS);
        String[] lat = last == null ? new String[] {null, null, f[4], f[5], f[6]} : last;
        return new Result(side, scenario, payload, ops, Double.parseDouble(lat[2]), Double.parseDouble(lat[3]),
            Double.parseDouble(lat[4]), Long.parseLong(f[3]) * perOp, (s1 - s0) * perOp,
            b0 < 0 || b1 < 0 ? Double.NaN : (b1 - b0) * perOp, heap,
            last == null ? -1 : Long.parseLong(last[1]));
      } finally {
        client.destroyForcibly();
      }
    } finally {
      try (Writer w = server.outputWriter()) {
        w.write("stop\n");
      } catch (IOException e) {
        // already gone
      }
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** The soak row measures this many times the measured window (60 s by default). */
  static final int SOAK_FACTOR = 6;

  private static void tell(Process server, String line) throws IOException {
    Writer w = server.outputWriter();
    w.write(line + "\n");
    w.flush();
  }

  /** Asks the server for its heap after GC (the server's CPU counter includes the collection; soak rows only). */
  private static long serverHeap(Process server, BufferedReader serverOut, String side) throws IOException {
    Writer w = server.outputWriter();
    w.write("heap\n");
    w.flush();
    return Long.parseLong(expect(serverOut, "HEAP", server, side + " server").split(" ")[1]);
  }

  /** What a scale row adds to its line: MB/s of big calls, heap per pending call, heap growth over the soak. */
  private String extra(Result r) {
    StringBuilder sb = new StringBuilder();
    if (r.payload >= 64 * 1024) {
      sb.append(String.format(Locale.ROOT, "; %.0f MB/s each way", r.opsPerSecond * r.payload / 1e6));
    }
    Heap h = r.heap;
    if (r.scenario == Contender.Scenario.CALL_ASYNC_10000 && h.clientBefore() >= 0) {
      // at the window's start: 10,000 calls in flight, no latency samples yet
      sb.append(String.format(Locale.ROOT, "; client heap %.2f KiB per pending call",
          (h.clientStart() - h.clientBefore()) / 10_000.0 / 1024));
    }
    if (r.scenario == Contender.Scenario.FANOUT_50) {
      sb.append(String.format(Locale.ROOT, "; %d servers, p50/p99 = time to the last one, %,d fanouts timed",
          Fanout.SERVERS, r.reachedAll()));
    }
    if (r.scenario == Contender.Scenario.SOAK_64 && h.clientStart() >= 0) {
      sb.append(String.format(Locale.ROOT, "; heap after GC, start -> end of %d s: client %.1f -> %.1f MiB "
          + "(%.1f of it latency samples), server %.1f -> %.1f MiB", SOAK_FACTOR * measureMillis / 1000,
          h.clientStart() / 1048576.0, h.clientEnd() / 1048576.0, h.samples() / 1048576.0,
          h.serverStart() / 1048576.0, h.serverEnd() / 1048576.0));
    }
    return sb.toString();
  }

  private Process start(String... roleArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx1g");
    for (String option : jvmOptions) {
      cmd.add(option.replace("{role}", roleArgs[0] + "-" + roleArgs[1] + "-" + roleArgs[2]));
    }
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(Role.class.getName());
    cmd.addAll(List.of(roleArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Files.createDirectories(TARGET);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(TARGET.resolve("compare-children.log").toFile()));
    return pb.start();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Reads lines until one starts with {@code word}; fails when the process ends first. */
  private static String expect(BufferedReader in, String word, Process p, String who) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith(word)) {
        return line;
      }
    }
    throw new IllegalStateException(who + " ended (exit " + (p.isAlive() ? "?" : p.exitValue()) + ") before " + word
        + "; see rpc-benchmarks/target/compare-children.log");
  }

  /** The class path this JVM loaded the benchmark from (under exec:java, the plugin's class loader's). */
  private static String classpath() {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader cl = Compare.class.getClassLoader(); cl != null; cl = cl.getParent()) {
      if (cl instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (URISyntaxException | IllegalArgumentException e) {
            // not a file
          }
        }
      }
    }
    boolean found = entries.stream().anyMatch(e -> e.contains("rpc-benchmarks"));
    return found ? String.join(File.pathSeparator, entries) : System.getProperty("java.class.path");
  }

  private List<Result> medians(List<Result> all) {
    Map<String, List<Result>> groups = new LinkedHashMap<>();
    for (Result r : all) {
      groups.computeIfAbsent(r.payload + "|" + r.scenario + "|" + r.side, k -> new ArrayList<>()).add(r);
    }
    List<Result> out = new ArrayList<>();
    for (List<Result> g : groups.values()) {
      g.sort(Comparator.comparingDouble(Result::opsPerSecond));
      out.add(g.get(g.size() / 2));
    }
    return out;
  }

  private Result find(List<Result> rs, String side, Contender.Scenario s, int payload) {
    return rs.stream().filter(r -> r.side.equals(side) && r.scenario == s && r.payload == payload).findFirst()
        .orElse(null);
  }

  private void print(List<Result> rs) {
    PrintStream out = System.out;
    out.println();
    out.printf(Locale.ROOT, "%-19s %7s %-10s | %9s %8s %8s | %7s %7s %7s | %s%n", "scenario", "bytes", "side", "op/s",
        "p50 us", "p99 us", "client", "server", "broker", "vs floor: op/s, CPU (client+server)");
    for (Case k : cases) {
      {
        Contender.Scenario s = k.scenario();
        int payload = k.payload();
        Result floor = find(rs, "floor", s, payload);
        for (String side : SIDES) {
          Result r = find(rs, side, s, payload);
          if (r == null) {
            continue;
          }
          String vs = floor == null || side.equals("floor") ? ""
              : s == Contender.Scenario.FANOUT_50 // the same rate on every side: the time to the last server
              ? String.format(Locale.ROOT, "p50 %.2fx, CPU %.2fx", r.p50 / floor.p50, r.cpu() / floor.cpu())
              : String.format(Locale.ROOT, "%.2fx, %.2fx", r.opsPerSecond / floor.opsPerSecond, r.cpu() / floor.cpu());
          out.printf(Locale.ROOT, "%-19s %7d %-10s | %9.0f %8.0f %8.0f | %7.1f %7.1f %7s | %s%s%n", s.label, payload, side,
              r.opsPerSecond, r.p50, r.p99, r.clientCpu, r.serverCpu,
              Double.isNaN(r.brokerCpu) ? "n/a" : String.format(Locale.ROOT, "%.1f", r.brokerCpu), vs, extra(r));
        }
      }
    }
    out.println("(client, server, broker: CPU microseconds per operation in each process over the measured window; a");
    out.println(" fresh server and client JVM per measurement, warmed up " + warmupMillis / 1000 + " s, measured "
        + measureMillis / 1000 + " s" + (rounds > 1 ? ", median of " + rounds + " rounds" : "") + ")");
    Map<String, String> extra = new LinkedHashMap<>();
    for (Case k : cases) {
      {
        Contender.Scenario s = k.scenario();
        int payload = k.payload();
        if (s == Contender.Scenario.FANOUT_50) {
          continue; // the same rate on every side: its ratios are in the table
        }
        Result f = find(rs, "fjord", s, payload);
        Result o = find(rs, "oslo-raw", s, payload);
        Result sp = find(rs, "spring", s, payload);
        if (f != null && o != null) {
          extra.merge("fjord / oslo-raw", String.format(Locale.ROOT, "%s %d B %.2fx", s.label, payload,
              f.opsPerSecond / o.opsPerSecond), (a, b) -> a + "; " + b);
        }
        if (f != null && sp != null) {
          extra.merge("fjord / spring", String.format(Locale.ROOT, "%s %d B %.2fx", s.label, payload,
              f.opsPerSecond / sp.opsPerSecond), (a, b) -> a + "; " + b);
        }
      }
    }
    extra.forEach((k, v) -> out.println(k + ": " + v));
  }

  private void writeJson(List<Result> rs) throws IOException {
    StringBuilder sb = new StringBuilder("{\n  \"url\": \"").append(TransportUrl.parse(url)).append("\",\n")
        .append("  \"warmupMillis\": ").append(warmupMillis).append(", \"measureMillis\": ").append(measureMillis)
        .append(", \"rounds\": ").append(rounds).append(",\n  \"results\": [\n");
    for (int i = 0; i < rs.size(); i++) {
      Result r = rs.get(i);
      sb.append(String.format(Locale.ROOT, "    {\"side\": \"%s\", \"scenario\": \"%s\", \"payload\": %d, "
              + "\"opsPerSecond\": %.1f, \"p50us\": %.1f, \"p99us\": %.1f, \"p999us\": %.1f, \"clientCpuUs\": %.2f, "
              + "\"serverCpuUs\": %.2f, \"brokerCpuUs\": %s}%s%n", r.side, r.scenario.label, r.payload, r.opsPerSecond,
          r.p50, r.p99, r.p999, r.clientCpu, r.serverCpu,
          Double.isNaN(r.brokerCpu) ? "null" : String.format(Locale.ROOT, "%.2f", r.brokerCpu),
          i + 1 < rs.size() ? "," : ""));
    }
    sb.append("  ]\n}\n");
    if (json.getParent() != null) {
      Files.createDirectories(json.getParent());
    }
    Files.writeString(json, sb.toString());
    progress.println("results written to " + json);
  }
}
