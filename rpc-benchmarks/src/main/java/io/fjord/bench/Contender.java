package io.fjord.bench;

import java.util.concurrent.CompletableFuture;

/**
 * One side of the comparison ({@link Compare}): how it serves and how it calls. Its server and its client
 * each run in a JVM of their own ({@link Role}), so each one's CPU is its own.
 */
interface Contender {

  /** What one measurement needs: the broker, names of its own, the payload size in bytes. */
  record Setup(String url, String topic, int payloadBytes) {
    /** The payload: {@code payloadBytes} ASCII characters. */
    String payload() {
      return "x".repeat(payloadBytes);
    }
  }

  /** Starts the server of {@code scenario}: an echo for calls, a consumer for one-way messages. */
  AutoCloseable serve(Scenario scenario, Setup setup) throws Exception;

  /** Connects a client for {@code scenario}. */
  Client client(Scenario scenario, Setup setup) throws Exception;

  /**
   * Starts {@link Fanout#SERVERS} servers on one topic, each on a connection of its own as if in a process of its
   * own, each telling {@code tally} when it got a fanout (the {@link Scenario#FANOUT_50} row).
   */
  AutoCloseable serveFanout(Setup setup, Fanout.Tally tally) throws Exception;

  /** A connected client. */
  interface Client extends AutoCloseable {
    /** A blocking call for one calling thread (each thread gets its own, as a careful user would). */
    Workload.Op caller() throws Exception;

    /** An asynchronous call, completed by its reply. */
    CompletableFuture<?> callAsync() throws Exception;

    /** A one-way message (a cast, or a notification), completed when the broker confirmed it. */
    CompletableFuture<?> send() throws Exception;

    /** A fanout to every server on the topic, its payload stamped with {@code sentNanos} ({@link Fanout#stamp}). */
    default void fanout(long sentNanos) throws Exception {
      throw new UnsupportedOperationException("not a fanout client");
    }
  }

  /** The rows of the table. */
  enum Scenario {
    CALL_1("call x1"), CALL_8("call x8"), CALL_64("call x64"), CALL_ASYNC_64("callAsync w64"),
    CAST_ASYNC_1000("cast async w1000"), NOTIFY_ASYNC_1000("notify async w1000"),
    /** Scale: 10,000 calls in flight from one client; also the client's heap per pending call. */
    CALL_ASYNC_10000("callAsync w10000", true),
    /** Scale: callAsync w64 for six measured windows (60 s); also the heap after GC of client and server. */
    SOAK_64("callAsync w64 soak", true),
    /**
     * Scale: 50 servers on one topic, a fanout to all of them at a fixed rate ({@link Fanout#RATE} a second); the
     * latencies are the time until the last server got it.
     */
    FANOUT_50("fanout x50", true);

    final String label;
    /** A scale row: run by {@code --scale}, not by default. */
    final boolean scale;

    Scenario(String label) {
      this(label, false);
    }

    Scenario(String label, boolean scale) {
      this.label = label;
      this.scale = scale;
    }

    boolean oneWay() {
      return this == CAST_ASYNC_1000 || this == NOTIFY_ASYNC_1000;
    }

    static Scenario of(String label) {
      for (Scenario s : values()) {
        if (s.label.equals(label) || s.name().equals(label)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown scenario " + label);
    }
  }

  /** The contender named {@code name}. */
  static Contender named(String name) {
    return switch (name) {
      case "floor" -> new RawContender(false);
      case "oslo-raw" -> new RawContender(true);
      case "spring" -> new SpringContender();
      case "fjord" -> new FjordContender(false);
      case "fjord-fast" -> new FjordContender(true);
      default -> throw new IllegalArgumentException("unknown side " + name
          + " (floor, oslo-raw, spring, fjord, fjord-fast)");
    };
  }
}
