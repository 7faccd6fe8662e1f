package io.fjord.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fanout scale row: a client sends a fanout at a fixed rate to {@link #SERVERS} servers on one topic, each
 * stamped with its send time, and the servers' JVM measures the time until the last of them got it.
 *
 * <p>The stamp is {@link System#nanoTime()} of the client's JVM, read in the servers' JVM. On Linux both are
 * the machine's monotonic clock ({@code CLOCK_MONOTONIC}), so the difference is a duration between the two
 * processes; the benchmark runs both on one machine.
 */
final class Fanout {
  /** Servers on the topic. */
  static final int SERVERS = 50;
  /** Fanouts per second the client sends: 5,000 deliveries a second in all, well under every side's limit. */
  static final int RATE = 100;
  private static final String MARK = "@@";
  private static final int DIGITS = 19;

  private Fanout() {
  }

  /** A payload of {@code bytes} ASCII characters carrying {@code nanos}. */
  static String stamp(long nanos, int bytes) {
    String digits = Long.toString(nanos);
    StringBuilder sb = new StringBuilder(Math.max(bytes, MARK.length() + DIGITS)).append(MARK);
    sb.append("0".repeat(DIGITS - digits.length())).append(digits);
    while (sb.length() < bytes) {
      sb.append('x');
    }
    return sb.toString();
  }

  /** The send time stamped in a message's body (anywhere in it: raw, or inside oslo's envelope). */
  static long sentNanos(byte[] body) {
    byte[] mark = MARK.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + mark.length + DIGITS <= body.length; i++) {
      if (body[i] == mark[0] && body[i + 1] == mark[1]) {
        return parse(new String(body, i + mark.length, DIGITS, StandardCharsets.US_ASCII));
      }
    }
    throw new IllegalArgumentException("no send time in the body");
  }

  /** The send time stamped in a payload string. */
  static long sentNanos(String payload) {
    int at = payload.indexOf(MARK);
    if (at < 0) {
      throw new IllegalArgumentException("no send time in the payload");
    }
    return parse(payload.substring(at + MARK.length(), at + MARK.length() + DIGITS));
  }

  private static long parse(String digits) {
    return Long.parseLong(digits);
  }

  /** Counts each fanout's receipts in the servers' JVM; records the time to the last one while marked. */
  static final class Tally {
    private final ConcurrentHashMap<Long, AtomicInteger> received = new ConcurrentHashMap<>();
    private final int servers;
    private volatile boolean measuring;
    private Stats stats = new Stats();

    Tally(int servers) {
      this.servers = servers;
    }

    /** One server got the fanout sent at {@code sentNanos}. */
    void received(long sentNanos) {
      AtomicInteger n = received.computeIfAbsent(sentNanos, k -> new AtomicInteger());
      if (n.incrementAndGet() == servers) {
        long took = System.nanoTime() - sentNanos;
        received.remove(sentNanos);
        if (measuring) {
          synchronized (this) {
            stats.record(took);
          }
        }
      }
    }

    /** Starts recording (the client's measured window opened). */
    synchronized void mark() {
      stats = new Stats();
      measuring = true;
    }

    /** Stops recording; what was recorded. */
    synchronized Stats take() {
      measuring = false;
      return stats;
    }

    /** Fanouts some server got but not all of them, for now. */
    int incomplete() {
      return received.size();
    }
  }
}
