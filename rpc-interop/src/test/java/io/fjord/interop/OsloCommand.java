package io.fjord.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;

/**
 * Builds one command line for {@code oslo/rpc_client.py} or {@code oslo/notifier.py}; see those
 * scripts for the fields. Not thread-safe; build, send, forget.
 */
final class OsloCommand {
  private final ObjectNode node = OsloPeer.JSON.createObjectNode();

  private OsloCommand(String op) {
    node.put("op", op);
    node.putObject("target");
    node.putObject("args");
  }

  static OsloCommand call(String method) {
    OsloCommand c = new OsloCommand("call");
    c.node.put("method", method);
    return c;
  }

  static OsloCommand cast(String method) {
    OsloCommand c = new OsloCommand("cast");
    c.node.put("method", method);
    return c;
  }

  /** A notification from oslo's Notifier with {@code driver} ({@code messaging} or {@code messagingv2}). */
  static OsloCommand notify(String driver, String topic, String priority, String eventType) {
    OsloCommand c = new OsloCommand("notify");
    c.node.remove("target");
    c.node.remove("args");
    c.node.put("driver", driver);
    c.node.putArray("topics").add(topic);
    c.node.put("priority", priority);
    c.node.put("event_type", eventType);
    return c;
  }

  private OsloCommand target(String key, String value) {
    ((ObjectNode) node.get("target")).put(key, value);
    return this;
  }

  OsloCommand topic(String topic) {
    return target("topic", topic);
  }

  OsloCommand server(String server) {
    return target("server", server);
  }

  OsloCommand exchange(String exchange) {
    return target("exchange", exchange);
  }

  OsloCommand namespace(String namespace) {
    return target("namespace", namespace);
  }

  OsloCommand version(String version) {
    return target("version", version);
  }

  OsloCommand fanout() {
    ((ObjectNode) node.get("target")).put("fanout", true);
    return this;
  }

  OsloCommand arg(String name, Object value) {
    ((ObjectNode) node.get("args")).set(name, toJson(value));
    return this;
  }

  /** Arguments as Python's json module reads them, for values strict JSON lacks (NaN, Infinity). */
  OsloCommand argsJson(String pythonJson) {
    node.remove("args");
    node.put("args_json", pythonJson);
    return this;
  }

  /** A plain dict context. */
  OsloCommand ctxt(Map<String, ?> ctxt) {
    node.set("ctxt", toJson(ctxt));
    return this;
  }

  /** An {@code oslo_context.context.RequestContext(**kwargs)} as the context. */
  OsloCommand osloContext(Map<String, ?> kwargs) {
    node.set("oslo_context", toJson(kwargs));
    return this;
  }

  OsloCommand timeout(Duration timeout) {
    node.put("timeout", timeout.toMillis() / 1000.0);
    return this;
  }

  /** oslo's call_monitor_timeout, whole seconds. */
  OsloCommand callMonitorTimeout(Duration timeout) {
    node.put("call_monitor_timeout", timeout.toSeconds());
    return this;
  }

  /** Whether the client's transport has {@code allowed_remote_exmods=["fjord_interop_exc"]} (default true). */
  OsloCommand exmods(boolean allowed) {
    node.put("exmods", allowed);
    return this;
  }

  OsloCommand publisherId(String publisherId) {
    node.put("publisher_id", publisherId);
    return this;
  }

  OsloCommand payload(Object payload) {
    node.set("payload", toJson(payload));
    return this;
  }

  ObjectNode node() {
    return node;
  }

  private static JsonNode toJson(Object value) {
    return value instanceof JsonNode j ? j : OsloPeer.JSON.valueToTree(value);
  }

  @Override
  public String toString() {
    return node.toString();
  }
}
