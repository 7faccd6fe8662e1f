package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fjord.rpc.RequestContext;
import java.time.Duration;

/**
 * An RPC request (a call or a cast) as oslo puts it on the wire (docs/wire-format.md §3), encoded and
 * decoded by {@link OsloWire}. Values are as they travel: a decoded request holds what the peer sent.
 *
 * @param method the remote method's name; null when a decoded request had none
 * @param args the keyword arguments, a JSON object from well-formed peers (null when absent)
 * @param namespace the endpoint namespace, or null for the default
 * @param version the interface version {@code X.Y[.Z]}, or null
 * @param msgId the call's id that its replies carry; null for a cast
 * @param replyQueue where replies go; null for a cast
 * @param timeout the call-monitor timeout in seconds as sent ({@code _timeout}: a number, JSON null
 *     for a call without one), null for a cast or when absent
 * @param uniqueId the id duplicates are detected by
 * @param context the request context (the {@code _context_*} fields), never null
 */
public record WireRequest(String method, JsonNode args, String namespace, String version, String msgId,
                          String replyQueue, JsonNode timeout, String uniqueId, RequestContext context) {

  public WireRequest {
    context = context == null ? RequestContext.empty() : context;
  }

  /**
   * A call: a fresh {@code _unique_id}; {@code callMonitorTimeout} null for none, else whole seconds as an
   * integer and anything finer as a float, as oslo's Python client writes it.
   */
  public static WireRequest call(String method, JsonNode args, String namespace, String version, String msgId,
                                 String replyQueue, Duration callMonitorTimeout, RequestContext context) {
    JsonNode t;
    if (callMonitorTimeout == null) {
      t = NullNode.getInstance();
    } else if (callMonitorTimeout.toMillis() % 1000 == 0) {
      t = WireJson.MAPPER.getNodeFactory().numberNode(callMonitorTimeout.toSeconds());
    } else {
      t = WireJson.MAPPER.getNodeFactory().numberNode(callMonitorTimeout.toMillis() / 1000.0);
    }
    return new WireRequest(method, args, namespace, version, msgId, replyQueue, t, WireIds.hex(), context);
  }

  /** A cast: no reply address, a fresh {@code _unique_id}. */
  public static WireRequest cast(String method, JsonNode args, String namespace, String version,
                                 RequestContext context) {
    return new WireRequest(method, args, namespace, version, null, null, null, WireIds.hex(), context);
  }

  /** True when the request asks for a reply: it has a non-empty message id and a reply queue. */
  public boolean wantsReply() {
    return msgId != null && !msgId.isEmpty() && replyQueue != null;
  }

  /**
   * The call-monitor timeout as a Python server reads it, {@code int(_timeout)} (a number, or a string
   * holding an integer); null when absent, JSON null or unreadable (see {@link #timeout()} for the raw value).
   */
  public Long timeoutSeconds() {
    if (timeout == null || timeout.isNull()) {
      return null;
    }
    if (timeout.isNumber()) {
      return timeout.longValue();
    }
    try {
      return Long.parseLong(timeout.asText().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The id to log the request under: its context's {@code request_id} (oslo.context's {@code req-...}),
   * else its message id (a call), else its unique id; null when it has none.
   */
  public String logId() {
    Object requestId = context.get("request_id");
    if (requestId instanceof String s && !s.isEmpty()) {
      return s;
    }
    if (msgId != null && !msgId.isEmpty()) {
      return msgId;
    }
    return uniqueId == null || uniqueId.isEmpty() ? null : uniqueId;
  }

  /** The addressing fields of a request, read without its arguments ({@link OsloWire#peekRequest}). */
  public record Addressing(String method, String msgId, String replyQueue) {
    /** True when a reply can be sent. */
    public boolean wantsReply() {
      return msgId != null && !msgId.isEmpty() && replyQueue != null;
    }
  }
}
