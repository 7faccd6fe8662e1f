package io.fjord.rpc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.ReplyPathLostException;
import io.fjord.rpc.Target;
import io.fjord.rpc.spi.IncomingMessage;
import io.fjord.rpc.spi.ReplyHandler;
import java.time.Duration;
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
 * the driver or broker does (WIRE.md 3.3, without oslo's hangs). Thread-safe.
 */
public final class ReplyWaiter implements ReplyHandler {
  private static final Logger log = LoggerFactory.getLogger(ReplyWaiter.class);

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
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
    final Duration timeout;
    final long deadline;
    final long callMonitorNanos;
    final Map<String, Class<? extends RuntimeException>> allowed;
    /** Completes with the final result (a JSON node, possibly NullNode) or the caller's exception. */
    public final CompletableFuture<JsonNode> future = new CompletableFuture<>();
    volatile long callMonitorDeadline;
    volatile JsonNode result;

    Pending(String msgId, Target target, String method, Duration timeout, Duration callMonitor,
            Map<String, Class<? extends RuntimeException>> allowed) {
      this.msgId = msgId;
      this.target = target;
      this.method = method;
      this.timeout = timeout;
      this.allowed = allowed;
      long now = System.nanoTime();
      this.deadline = now + timeout.toNanos();
      this.callMonitorNanos = callMonitor == null ? 0 : callMonitor.toNanos();
      this.callMonitorDeadline = callMonitor == null ? Long.MAX_VALUE : now + callMonitorNanos;
    }

    String describe() {
      return "call '" + method + "' to " + target;
    }

    void check() {
      if (future.isDone()) {
        return;
      }
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        future.completeExceptionally(new MessagingTimeoutException("Timed out after " + Durations.format(timeout)
            + " waiting for a reply to " + describe() + " (message ID " + msgId
            + "); is a server consuming that topic, and is it fast enough?", target, method, timeout, msgId));
      } else if (callMonitorNanos > 0 && now - callMonitorDeadline >= 0) {
        Duration cm = Duration.ofNanos(callMonitorNanos);
        future.completeExceptionally(new MessagingTimeoutException("No reply or heartbeat for "
            + Durations.format(cm) + " (call monitor timeout) to " + describe() + " (message ID " + msgId + ")",
            target, method, cm, msgId));
      }
    }
  }

  /** Registers a call before its request is published, and starts its timers. */
  public Pending register(String msgId, Target target, String method, Duration timeout, Duration callMonitor,
                          Map<String, Class<? extends RuntimeException>> allowed) {
    Pending p = new Pending(msgId, target, method, timeout, callMonitor, allowed);
    pending.put(msgId, p);
    p.future.whenComplete((r, e) -> pending.remove(msgId, p));
    return p;
  }

  /** Number of calls waiting (for tests and metrics). */
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public void onReply(IncomingMessage message) {
    ObjectNode reply;
    try {
      reply = Envelope.unwrap(message.body());
    } catch (IllegalArgumentException e) {
      log.warn("Dropping undecodable reply on {}: {}", message.source(), e.getMessage());
      message.reject(false);
      return;
    }
    message.ack();
    JsonNode idNode = reply.get("_msg_id");
    String msgId = idNode == null || idNode.isNull() ? null : idNode.asText();
    Pending p = msgId == null ? null : pending.get(msgId);
    if (p == null) {
      if (log.isDebugEnabled()) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable(MDC_REQUEST_ID, String.valueOf(msgId))) {
          log.debug("No calling threads waiting for msg_id {} (late reply after a timeout, or not ours); dropped",
              msgId);
        }
      }
      return;
    }
    JsonNode failure = reply.get("failure");
    JsonNode result = reply.get("result");
    boolean ending = truthy(reply.get("ending"));
    if (failure != null && !failure.isNull()) {
      String text = failure.isTextual() ? failure.textValue() : WireJson.write(failure);
      p.future.completeExceptionally(Failures.decode(text, p.describe(), p.allowed));
      return;
    }
    if (result != null && !result.isNull()) {
      p.result = result;
    }
    if (ending) {
      JsonNode r = p.result;
      p.future.complete(r == null ? NullNode.getInstance() : r);
    } else if (p.callMonitorNanos > 0) {
      p.callMonitorDeadline = System.nanoTime() + p.callMonitorNanos;
    }
  }

  private static boolean truthy(JsonNode n) {
    if (n == null || n.isNull()) {
      return false;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isNumber()) {
      return n.doubleValue() != 0;
    }
    if (n.isTextual()) {
      return !n.textValue().isEmpty();
    }
    return n.size() > 0;
  }

  @Override
  public void onReplyPathLost(Throwable cause) {
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
    for (Pending p : pending.values()) {
      p.future.completeExceptionally(error);
    }
  }
}
