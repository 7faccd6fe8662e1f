package io.fjord.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** CPU time of this JVM's threads, summed by name with the digits left out ({@code fjord-rpc-N-N}). */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ThreadCpu() {
  }

  static Map<String, Long> byGroup() {
    Map<String, Long> out = new TreeMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long cpu = THREADS.getThreadCpuTime(id);
      var info = THREADS.getThreadInfo(id);
      if (cpu > 0 && info != null) {
        // per thread, so that threads ending between the two snapshots do not count negatively
        out.put(info.getThreadName().replaceAll("[0-9]+", "N") + "#" + id, cpu);
      }
    }
    return out;
  }

  /** The groups' CPU between two snapshots, in microseconds per operation, largest first. */
  static String perOp(Map<String, Long> before, Map<String, Long> after, long operations) {
    Map<String, Long> groups = new TreeMap<>();
    after.forEach((k, v) -> groups.merge(k.substring(0, k.lastIndexOf('#')), v - before.getOrDefault(k, 0L), Long::sum));
    return groups.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1000.0 / Math.max(1, operations)))
        .collect(Collectors.joining(", "));
  }
}
