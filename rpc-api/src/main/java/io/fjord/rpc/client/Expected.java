package io.fjord.rpc.client;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which replies a scatter-gather call ({@link RpcClient#callAll}) waits for before it completes; it completes at
 * its deadline at the latest, whatever answered by then. Immutable.
 *
 * <ul>
 *   <li>{@link #servers}: until each named Fjord server answered. oslo servers do not name themselves, so their
 *       replies never count toward this; expect a {@link #count} where they take part.</li>
 *   <li>{@link #count}: until that many replies arrived, from any server, named or not.</li>
 *   <li>{@link #untilDeadline}: every reply that arrives before the deadline.</li>
 * </ul>
 */
public final class Expected {
  private final Set<String> servers;
  private final int count;

  private Expected(Set<String> servers, int count) {
    this.servers = servers;
    this.count = count;
  }

  /** Until each of {@code servers} (Fjord servers' names, as in {@code Target.withServer}) answered. */
  public static Expected servers(String... servers) {
    return servers(List.of(servers));
  }

  /** Until each of {@code servers} answered. */
  public static Expected servers(Collection<String> servers) {
    Objects.requireNonNull(servers, "servers");
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("Expected.servers needs at least one server name");
    }
    Set<String> copy = new LinkedHashSet<>();
    for (String s : servers) {
      copy.add(Objects.requireNonNull(s, "server name"));
    }
    return new Expected(java.util.Collections.unmodifiableSet(copy), -1);
  }

  /** Until {@code replies} replies arrived, from any servers. */
  public static Expected count(int replies) {
    if (replies < 1) {
      throw new IllegalArgumentException("Expected.count must be at least 1, got " + replies);
    }
    return new Expected(Set.of(), replies);
  }

  /** No expectation: every reply that arrives before the deadline. */
  public static Expected untilDeadline() {
    return new Expected(Set.of(), -1);
  }

  /** The servers expected by name; empty when not expecting names. */
  public Set<String> servers() {
    return servers;
  }

  /** The number of replies expected; -1 when not expecting a count. */
  public int count() {
    return count;
  }

  /** True when waiting for every reply until the deadline. */
  public boolean isUntilDeadline() {
    return servers.isEmpty() && count < 0;
  }

  @Override
  public String toString() {
    return !servers.isEmpty() ? "servers " + servers : count > 0 ? count + " replies" : "until the deadline";
  }
}
