package io.fjord.rpc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.RequestContext;
import java.time.Duration;

/** Builds RPC request and reply documents in oslo's key order (WIRE.md 2.3, 2.4). */
public final class Requests {
  private Requests() {
  }

  /**
   * A request: {@code method, args, [namespace], [version], [_msg_id, _reply_q, _timeout],
   * _unique_id, _context_*}.
   *
   * @param msgId null for a cast
   */
  public static ObjectNode request(String method, JsonNode args, String namespace, String version, String msgId,
                                   String replyQueue, Duration callMonitorTimeout, String uniqueId,
                                   RequestContext context) {
    ObjectNode m = WireJson.object();
    m.put("method", method);
    m.set("args", args);
    if (namespace != null) {
      m.put("namespace", namespace);
    }
    if (version != null) {
      m.put("version", version);
    }
    if (msgId != null) {
      m.put("_msg_id", msgId);
      m.put("_reply_q", replyQueue);
      if (callMonitorTimeout == null) {
        m.putNull("_timeout");
      } else if (callMonitorTimeout.toMillis() % 1000 == 0) {
        m.put("_timeout", callMonitorTimeout.toSeconds());
      } else {
        m.put("_timeout", callMonitorTimeout.toMillis() / 1000.0);
      }
    }
    m.put("_unique_id", uniqueId);
    Contexts.flatten(context, m);
    return m;
  }

  /** A final reply: {@code result, failure, ending: true, _msg_id, _unique_id}. */
  public static ObjectNode reply(JsonNode result, String failure, JsonNode msgId) {
    ObjectNode m = WireJson.object();
    if (result == null) {
      m.putNull("result");
    } else {
      m.set("result", result);
    }
    if (failure == null) {
      m.putNull("failure");
    } else {
      m.put("failure", failure);
    }
    m.put("ending", true);
    m.set("_msg_id", msgId);
    m.put("_unique_id", Ids.hex());
    return m;
  }

  /** A call-monitor heartbeat: {@code result: null, failure: null, ending: false, _msg_id, _unique_id}. */
  public static ObjectNode heartbeat(JsonNode msgId) {
    ObjectNode m = WireJson.object();
    m.putNull("result");
    m.putNull("failure");
    m.put("ending", false);
    m.set("_msg_id", msgId);
    m.put("_unique_id", Ids.hex());
    return m;
  }
}
