package io.fjord.bench;

import java.util.Arrays;

/** Latency samples and throughput of one measured run. Not thread-safe: one recorder per thread, merged. */
final class Stats {
  private long[] samples = new long[1 << 14];
  private int count;
  long operations;
  long elapsedNanos;
  long cpuNanos;

  /** The heap this holds for its latency samples, in bytes. */
  long sampleBytes() {
    return 8L * samples.length;
  }

  void record(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
    operations++;
  }

  void merge(Stats other) {
    for (int i = 0; i < other.count; i++) {
      record(other.samples[i]);
    }
  }

  double opsPerSecond() {
    return elapsedNanos == 0 ? 0 : operations * 1e9 / elapsedNanos;
  }

  /** Percentile in microseconds, e.g. 0.99. */
  double percentileMicros(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int index = (int) Math.min(count - 1, Math.max(0, Math.ceil(p * count) - 1));
    return sorted[index] / 1000.0;
  }

  double cpuMicrosPerOp() {
    return operations == 0 ? Double.NaN : cpuNanos / 1000.0 / operations;
  }
}
