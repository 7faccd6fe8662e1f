package io.fjord.rpc.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scatter-gather call ({@link RpcClient#callAll}) collected: each replying Fjord server's result or
 * failure by server name, the replies of servers that do not name themselves (oslo servers: counted and kept,
 * unattributed), and the expected servers that did not answer by the deadline. Replies arriving after the call
 * completed are dropped. Immutable.
 *
 * @param <T> the type each result was converted to
 */
public final class GatherResult<T> {

  /**
   * One server's answer: its result, or the failure it replied with (a {@link io.fjord.rpc.RemoteException},
   * or a {@link io.fjord.rpc.MessagingException} when the result could not be converted).
   *
   * @param server the replying Fjord server's name; null for an unattributed (oslo) reply
   */
  public record Reply<T>(String server, T value, RuntimeException failure) {
    /** True for a result, false for a failure. */
    public boolean ok() {
      return failure == null;
    }

    /** The result; throws the failure instead when there is one. */
    public T get() {
      if (failure != null) {
        throw failure;
      }
      return value;
    }
  }

  private final Map<String, Reply<T>> byServer;
  private final List<Reply<T>> unattributed;
  private final Set<String> missing;
  private final boolean expectationMet;

  GatherResult(Map<String, Reply<T>> byServer, List<Reply<T>> unattributed, Set<String> missing,
               boolean expectationMet) {
    this.byServer = Collections.unmodifiableMap(new LinkedHashMap<>(byServer));
    this.unattributed = List.copyOf(unattributed);
    this.missing = Set.copyOf(missing);
    this.expectationMet = expectationMet;
  }

  /**
   * The result of what a call collected: each reply converted by {@code convert} (a conversion failure, a
   * {@link io.fjord.rpc.MessagingException}, becomes that reply's failure), attributed or not, and the expected
   * servers that did not answer.
   */
  static <T> GatherResult<T> of(io.fjord.rpc.internal.ReplyWaiter.Collected collected, Expected expected,
                                java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, T> convert) {
    Map<String, Reply<T>> byServer = new LinkedHashMap<>();
    List<Reply<T>> unattributed = new java.util.ArrayList<>();
    for (io.fjord.rpc.internal.ReplyWaiter.Gathered g : collected.replies()) {
      Reply<T> reply;
      if (g.failure() != null) {
        reply = new Reply<>(g.server(), null, g.failure());
      } else {
        Reply<T> converted;
        try {
          converted = new Reply<>(g.server(), convert.apply(g.result() == null
              ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : g.result()), null);
        } catch (io.fjord.rpc.MessagingException e) {
          converted = new Reply<>(g.server(), null, e);
        }
        reply = converted;
      }
      if (g.server() == null) {
        unattributed.add(reply);
      } else {
        byServer.put(g.server(), reply);
      }
    }
    Set<String> missing = new java.util.LinkedHashSet<>(expected.servers());
    missing.removeAll(byServer.keySet());
    return new GatherResult<>(byServer, unattributed, missing, collected.expectationMet());
  }

  /** The replies of Fjord servers, by server name, in arrival order. */
  public Map<String, Reply<T>> byServer() {
    return byServer;
  }

  /** The replies that name no server (from oslo servers), in arrival order. */
  public List<Reply<T>> unattributed() {
    return unattributed;
  }

  /** The {@linkplain Expected#servers expected servers} that did not answer before the deadline. */
  public Set<String> missing() {
    return missing;
  }

  /**
   * True when the call ended because what it {@linkplain Expected expected} arrived; false when it ended at its
   * deadline first. A call {@linkplain Expected#untilDeadline until the deadline} always ends there: true.
   */
  public boolean expectationMet() {
    return expectationMet;
  }

  /** Every reply, attributed or not. */
  public int size() {
    return byServer.size() + unattributed.size();
  }

  /** The results of the Fjord servers that answered with one, by server name (failures left out). */
  public Map<String, T> values() {
    Map<String, T> out = new LinkedHashMap<>();
    byServer.forEach((server, reply) -> {
      if (reply.ok()) {
        out.put(server, reply.value());
      }
    });
    return Collections.unmodifiableMap(out);
  }

  @Override
  public String toString() {
    return "GatherResult{servers=" + byServer.keySet() + ", unattributed=" + unattributed.size() + ", missing="
        + missing + ", expectationMet=" + expectationMet + "}";
  }
}
