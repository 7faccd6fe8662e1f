package io.fjord.rpc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fjord.rpc.Deadline;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.ReplyPathLostException;
import io.fjord.rpc.Target;
import io.fjord.rpc.spi.IncomingMessage;
import io.fjord.rpc.spi.ReplyHandler;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.RemoteFailures;
import io.fjord.rpc.wire.WireFormatException;
import io.fjord.rpc.wire.WireReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Matches replies on a transport's reply queue to pending calls by {@code _msg_id} and enforces
 * every call's timeout and call-monitor timeout on a timer thread, so a call ends on time whatever
 * the driver or broker does (docs/wire-format.md §4, without oslo's hangs). Thread-safe.
 */
public final class ReplyWaiter implements ReplyHandler {
  private static final Logger log = LoggerFactory.getLogger(ReplyWaiter.class);

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Gathering> gathering = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  /** How often pending calls are checked for timeouts: calls end at most this much after their deadline. */
  static final long SWEEP_MILLIS = 25;

  /** The MDC key of log lines about one call: its {@code _msg_id} here (the server logs the same key). */
  static final String MDC_REQUEST_ID = "request_id";

  public ReplyWaiter(ScheduledExecutorService timer) {
    this.timer = timer;
    // one periodic sweep instead of a timer task per call: no scheduling (and no timer-thread wake-up)
    // on the call path, and nothing kept after a call completes
    timer.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    for (Gathering g : gathering.values()) {
      try {
        g.check();
      } catch (RuntimeException e) {
        log.error("Checking the deadline of {} failed", g.describe(), e);
      }
    }
    for (Pending p : pending.values()) {
      try {
        p.check();
      } catch (RuntimeException e) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable(MDC_REQUEST_ID, p.msgId)) {
          log.error("Checking the timeout of {} failed", p.describe(), e);
        }
      }
    }
  }

  /** One call waiting for its reply. */
  public final class Pending {
    final String msgId;
    final Target target;
    final String method;
    final Deadline deadline;
    final long callMonitorNanos;
    final Map<String, Class<? extends RuntimeException>> allowed;
    /** Completes with the final result (a JSON node, possibly NullNode) or the caller's exception. */
    public final CompletableFuture<JsonNode> future = new CompletableFuture<>();
    volatile long callMonitorDeadline;
    volatile JsonNode result;

    Pending(String msgId, Target target, String method, Deadline deadline, Duration callMonitor,
            Map<String, Class<? extends RuntimeException>> allowed) {
      this.msgId = msgId;
      this.target = target;
      this.method = method;
      this.deadline = deadline;
      this.allowed = allowed;
      this.callMonitorNanos = callMonitor == null ? 0 : callMonitor.toNanos();
      this.callMonitorDeadline = callMonitor == null ? Long.MAX_VALUE : deadline.clock().nanoTime() + callMonitorNanos;
    }

    String describe() {
      return "call '" + method + "' to " + target;
    }

    void check() {
      if (future.isDone()) {
        return;
      }
      if (deadline.isExpired()) {
        Duration timeout = deadline.timeout();
        future.completeExceptionally(deadline.isPropagated()
            ? new io.fjord.rpc.DeadlineExceededException("The deadline of the request being served ran out ("
                + Durations.format(timeout) + " were left of it) waiting for a reply to " + describe()
                + " (message ID " + msgId + ")", target, method, timeout, msgId)
            : new MessagingTimeoutException("Timed out after " + Durations.format(timeout)
            + " waiting for a reply to " + describe() + " (message ID " + msgId
            + "); is a server consuming that topic, and is it fast enough?", target, method, timeout, msgId));
      } else if (callMonitorNanos > 0 && deadline.clock().nanoTime() - callMonitorDeadline >= 0) {
        Duration cm = Duration.ofNanos(callMonitorNanos);
        future.completeExceptionally(new MessagingTimeoutException("No reply or heartbeat for "
            + Durations.format(cm) + " (call monitor timeout) to " + describe() + " (message ID " + msgId + ")",
            target, method, cm, msgId));
      }
    }
  }

  /** Registers a call before its request is published; its deadline and call monitor are checked from now on. */
  public Pending register(String msgId, Target target, String method, Deadline deadline, Duration callMonitor,
                          Map<String, Class<? extends RuntimeException>> allowed) {
    Pending p = new Pending(msgId, target, method, deadline, callMonitor, allowed);
    pending.put(msgId, p);
    p.future.whenComplete((r, e) -> pending.remove(msgId, p));
    return p;
  }

  /** One reply of a scatter-gather call: its server (null: unattributed), its result or failure. */
  public record Gathered(String server, JsonNode result, RuntimeException failure) {
  }

  /**
   * What a scatter-gather call collected when it ended.
   *
   * @param expectationMet whether it ended because its expectation was met, not at its deadline
   */
  public record Collected(List<Gathered> replies, boolean expectationMet) {
  }

  /**
   * A scatter-gather call: collects every final reply under one {@code _msg_id} until the expected servers
   * ({@code servers}) or number of replies ({@code count} > 0) answered, or its deadline, whichever first.
   */
  public final class Gathering {
    final String msgId;
    final Target target;
    final String method;
    final Deadline deadline;
    private final java.util.Set<String> servers;
    private final int count;
    final Map<String, Class<? extends RuntimeException>> allowed;
    private final List<Gathered> replies = new java.util.ArrayList<>();
    private final java.util.Set<String> answered = new java.util.HashSet<>();
    /** Completes with what was collected (never exceptionally but for a lost reply path or a closed transport). */
    public final CompletableFuture<Collected> future = new CompletableFuture<>();

    Gathering(String msgId, Target target, String method, Deadline deadline, java.util.Set<String> servers,
              int count, Map<String, Class<? extends RuntimeException>> allowed) {
      this.msgId = msgId;
      this.target = target;
      this.method = method;
      this.deadline = deadline;
      this.servers = servers;
      this.count = count;
      this.allowed = allowed;
    }

    String describe() {
      return "scatter-gather call '" + method + "' to " + target;
    }

    synchronized void accept(WireReply reply) {
      if (future.isDone() || !reply.ending()) {
        return; // a late reply, or a heartbeat
      }
      String server = reply.server();
      if (server != null && !answered.add(server)) {
        log.debug("Dropping a second reply from server {} to {}", server, describe());
        return;
      }
      RuntimeException failure = reply.isFailure()
          ? RemoteFailures.decode(reply.failure(), describe() + " (server " + (server == null ? "unnamed" : server)
              + ")", allowed)
          : null;
      replies.add(new Gathered(server, failure == null ? reply.result() : null, failure));
      boolean met = count > 0 ? replies.size() >= count : !servers.isEmpty() && answered.containsAll(servers);
      if (met) {
        future.complete(new Collected(List.copyOf(replies), true));
      }
    }

    synchronized void check() {
      if (!future.isDone() && deadline.isExpired()) {
        // the deadline ends it with whatever arrived; nothing expected is met only when nothing was expected
        future.complete(new Collected(List.copyOf(replies), count <= 0 && servers.isEmpty()));
      }
    }
  }

  /**
   * Registers a scatter-gather call before its request is published (see {@link Gathering}); its deadline is
   * checked from now on.
   */
  public Gathering registerGather(String msgId, Target target, String method, Deadline deadline,
                                  java.util.Set<String> servers, int count,
                                  Map<String, Class<? extends RuntimeException>> allowed) {
    Gathering g = new Gathering(msgId, target, method, deadline, servers, count, allowed);
    gathering.put(msgId, g);
    g.future.whenComplete((r, e) -> gathering.remove(msgId, g));
    return g;
  }

  /** Number of calls waiting (for tests and metrics). */
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public void onReply(IncomingMessage message) {
    WireReply reply;
    try {
      reply = OsloWire.decodeReply(message.body());
    } catch (WireFormatException e) {
      log.warn("Dropping undecodable reply on {}: {}", message.source(), e.getMessage());
      message.reject(false);
      return;
    }
    message.ack();
    String msgId = reply.msgId();
    Pending p = msgId == null ? null : pending.get(msgId);
    if (p == null && msgId != null) {
      Gathering g = gathering.get(msgId);
      if (g != null) {
        g.accept(reply);
        return;
      }
    }
    if (p == null) {
      if (log.isDebugEnabled()) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable(MDC_REQUEST_ID, String.valueOf(msgId))) {
          log.debug("No calling threads waiting for msg_id {} (late reply after a timeout, or not ours); dropped",
              msgId);
        }
      }
      return;
    }
    if (reply.isFailure()) {
      RuntimeException failure = RemoteFailures.decode(reply.failure(), p.describe(), p.allowed);
      if (failure instanceof io.fjord.rpc.RemoteException r
          && io.fjord.rpc.DeadlineExceededException.MODULE.equals(r.remoteModule())
          && io.fjord.rpc.DeadlineExceededException.CLASS.equals(r.remoteClass())) {
        // the server did not run it: its deadline had passed when the server got to it
        io.fjord.rpc.DeadlineExceededException e = new io.fjord.rpc.DeadlineExceededException("The server refused "
            + p.describe() + " (message ID " + msgId + "): " + r.remoteMessage(), p.target, p.method,
            p.deadline.timeout(), msgId);
        e.addSuppressed(r);
        failure = e;
      }
      p.future.completeExceptionally(failure);
      return;
    }
    if (reply.result() != null) {
      p.result = reply.result();
    }
    if (reply.ending()) {
      JsonNode r = p.result;
      p.future.complete(r == null ? NullNode.getInstance() : r);
    } else if (p.callMonitorNanos > 0) {
      p.callMonitorDeadline = p.deadline.clock().nanoTime() + p.callMonitorNanos;
    }
  }

  @Override
  public void onReplyPathLost(Throwable cause) {
    for (Gathering g : gathering.values()) {
      g.future.completeExceptionally(new ReplyPathLostException("The reply path of " + g.describe()
          + " (message ID " + g.msgId + ") was lost: the connection to the broker broke while collecting replies",
          cause));
    }
    if (pending.isEmpty()) {
      return;
    }
    log.warn("Reply connection lost; failing {} in-flight call(s) at once", pending.size());
    for (Pending p : pending.values()) {
      p.future.completeExceptionally(new ReplyPathLostException("The reply path of " + p.describe()
          + " (message ID " + p.msgId + ") was lost: the connection to the broker broke while waiting; "
          + "the request may or may not have been processed", cause));
    }
  }

  /** Fails every pending call, e.g. when the transport closes. */
  public void failAll(RuntimeException error) {
    for (Gathering g : gathering.values()) {
      g.future.completeExceptionally(error);
    }
    for (Pending p : pending.values()) {
      p.future.completeExceptionally(error);
    }
  }
}
