package io.fjord.rpc.client;

import io.fjord.rpc.Target;
import io.fjord.rpc.TooManyCallsInFlightException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls in flight of one {@link RpcClient} and its {@link RpcClient#prepare} views, counted per target
 * (exchange, topic, server, fanout) and limited to {@code max} per target. A target's entry exists while it has
 * calls in flight, so targets used once do not accumulate. Thread-safe.
 */
final class InFlightLimit {
  /** No limit. */
  static final int UNLIMITED = Integer.MAX_VALUE;

  /** What a call is counted under: where it is sent; namespace and version do not matter. */
  private record Key(String exchange, String topic, String server, boolean fanout) {
    static Key of(Target t) {
      return new Key(t.exchange(), t.topic(), t.server(), t.fanout());
    }
  }

  private final int max;
  private final ConcurrentHashMap<Key, Integer> counts = new ConcurrentHashMap<>();

  InFlightLimit(int max) {
    this.max = max;
  }

  int max() {
    return max;
  }

  /**
   * Counts a call to {@code target}, or refuses it when {@code target} has {@code max} in flight already.
   *
   * @return what ends the call's count (call it once, when the call completes)
   * @throws TooManyCallsInFlightException naming the target, the method and the limit
   */
  Runnable acquire(Target target, String method) {
    Key key = Key.of(target);
    boolean[] refused = new boolean[1];
    counts.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        refused[0] = true;
        return n;
      }
      return now + 1;
    });
    if (refused[0]) {
      throw new TooManyCallsInFlightException("Call '" + method + "' to " + target + " was not sent: the client "
          + "already has " + max + " call(s) in flight to that target, its limit (RpcClient.Builder.maxInFlight(" + max
          + ")); retry later, or raise the limit if the servers keep up", target, method, max);
    }
    return () -> counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Calls in flight to {@code target} now. */
  int inFlight(Target target) {
    return counts.getOrDefault(Key.of(target), 0);
  }
}
