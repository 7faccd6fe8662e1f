package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one encoder and decoder of oslo.messaging's wire format (docs/wire-format.md): requests, replies and
 * notifications to and from the bytes a driver moves, byte-compatible with oslo's Python peers. Every
 * field name of oslo's messages is spelled here and in this package only.
 *
 * <p>Encoding writes the 2.0 envelope (notifications may also go without, as oslo's legacy
 * {@code messaging} driver sends them); decoding accepts both. Decoders throw
 * {@link WireFormatException} naming what is wrong and never fail on unknown fields. Thread-safe.
 */
public final class OsloWire {
  private OsloWire() {
  }

  private static final String METHOD = "method";
  private static final String ARGS = "args";
  private static final String NAMESPACE = "namespace";
  private static final String VERSION = "version";
  private static final String MSG_ID = "_msg_id";
  private static final String REPLY_Q = "_reply_q";
  /** A Fjord server's name in its reply to a scatter-gather call (docs/wire-format.md §4.1). */
  private static final String SERVER = "fjord_server";
  /**
   * The request-context key of a scatter-gather call ({@code true}): a Fjord server answering it names itself
   * in its reply ({@link WireReply#server()}); oslo servers ignore it (docs/wire-format.md §3.3).
   */
  public static final String GATHER_KEY = "fjord_gather";
  private static final String TIMEOUT = "_timeout";
  private static final String UNIQUE_ID = "_unique_id";
  private static final String RESULT = "result";
  private static final String FAILURE = "failure";
  private static final String ENDING = "ending";
  private static final String MESSAGE_ID = "message_id";
  private static final String PUBLISHER_ID = "publisher_id";
  private static final String EVENT_TYPE = "event_type";
  private static final String PRIORITY = "priority";
  private static final String PAYLOAD = "payload";
  private static final String TIMESTAMP = "timestamp";

  // ---- requests

  /**
   * A request in oslo's order: {@code method, args, [namespace], [version], [_msg_id, _reply_q, _timeout],
   * _unique_id, _context_*}, enveloped.
   */
  public static byte[] encode(WireRequest r) {
    ObjectNode m = WireJson.object();
    m.put(METHOD, r.method());
    if (r.args() == null) {
      m.putObject(ARGS);
    } else {
      m.set(ARGS, r.args());
    }
    if (r.namespace() != null) {
      m.put(NAMESPACE, r.namespace());
    }
    if (r.version() != null) {
      m.put(VERSION, r.version());
    }
    if (r.msgId() != null) {
      m.put(MSG_ID, r.msgId());
      m.put(REPLY_Q, r.replyQueue());
      m.set(TIMEOUT, r.timeout() == null ? m.nullNode() : r.timeout());
    }
    m.put(UNIQUE_ID, r.uniqueId());
    Contexts.flatten(r.context(), m);
    return Envelope.wrap(m);
  }

  /** Decodes a request (enveloped or not). */
  public static WireRequest decodeRequest(byte[] body) {
    ObjectNode m = unwrap(body);
    return new WireRequest(text(m, METHOD), m.get(ARGS), text(m, NAMESPACE), text(m, VERSION), text(m, MSG_ID),
        text(m, REPLY_Q), m.get(TIMEOUT), text(m, UNIQUE_ID), Contexts.extract(m));
  }

  /**
   * Reads only a request's method, message id and reply queue with a streaming parser, skipping every
   * other value: for a request too large to decode that must still be answered.
   */
  public static WireRequest.Addressing peekRequest(byte[] body) {
    try {
      Envelope.Peek p = Envelope.peek(body);
      String msgId = p.msgId() == null || p.msgId().isNull() ? null : p.msgId().asText();
      return new WireRequest.Addressing(p.method(), msgId, p.replyQueue());
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(e.getMessage(), e);
    }
  }

  // ---- replies

  /** A reply in oslo's order: {@code result, failure, ending, _msg_id, _unique_id}, enveloped. */
  public static byte[] encode(WireReply r) {
    ObjectNode m = WireJson.object();
    if (r.result() == null) {
      m.putNull(RESULT);
    } else {
      m.set(RESULT, r.result());
    }
    if (r.failure() == null) {
      m.putNull(FAILURE);
    } else {
      m.put(FAILURE, r.failure());
    }
    m.put(ENDING, r.ending());
    m.put(MSG_ID, r.msgId());
    m.put(UNIQUE_ID, r.uniqueId());
    if (r.server() != null) {
      m.put(SERVER, r.server());
    }
    return Envelope.wrap(m);
  }

  /**
   * Decodes a reply. {@code ending} is read as Python's truth test; a non-string {@code failure} is kept as
   * its JSON text; a JSON null result is null.
   */
  public static WireReply decodeReply(byte[] body) {
    ObjectNode m = unwrap(body);
    JsonNode failure = m.get(FAILURE);
    String failureText = failure == null || failure.isNull() ? null
        : failure.isTextual() ? failure.textValue() : WireJson.write(failure);
    JsonNode result = m.get(RESULT);
    return new WireReply(result == null || result.isNull() ? null : result, failureText, truthy(m.get(ENDING)),
        text(m, MSG_ID), text(m, UNIQUE_ID), text(m, SERVER));
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

  // ---- notifications

  /**
   * A notification in oslo's order: {@code message_id, publisher_id, event_type, priority, payload,
   * timestamp, _unique_id, _context_*}; in the 2.0 envelope ({@code messagingv2}) or bare ({@code messaging}).
   */
  public static byte[] encode(WireNotification n, boolean envelope) {
    ObjectNode m = WireJson.object();
    m.put(MESSAGE_ID, n.messageId());
    m.put(PUBLISHER_ID, n.publisherId());
    m.put(EVENT_TYPE, n.eventType());
    m.put(PRIORITY, n.priority());
    m.set(PAYLOAD, n.payload());
    m.put(TIMESTAMP, n.timestamp());
    m.put(UNIQUE_ID, n.uniqueId());
    Contexts.flatten(n.context(), m);
    return envelope ? Envelope.wrap(m) : Envelope.raw(m);
  }

  /** Decodes a notification (enveloped or not). */
  public static WireNotification decodeNotification(byte[] body) {
    ObjectNode m = unwrap(body);
    JsonNode priority = m.get(PRIORITY);
    JsonNode unique = m.get(UNIQUE_ID);
    JsonNode payload = m.get(PAYLOAD);
    m.remove(UNIQUE_ID);
    return new WireNotification(text(m, MESSAGE_ID), text(m, PUBLISHER_ID), text(m, EVENT_TYPE),
        priority != null && priority.isTextual() ? priority.textValue() : null, payload, text(m, TIMESTAMP),
        unique != null && unique.isTextual() ? unique.textValue() : null, Contexts.extract(m));
  }

  // ---- helpers

  private static ObjectNode unwrap(byte[] body) {
    try {
      return Envelope.unwrap(body);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(e.getMessage(), e);
    }
  }

  /** A field as text (a number as its digits), null when absent or JSON null. */
  private static String text(ObjectNode m, String field) {
    JsonNode v = m.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
