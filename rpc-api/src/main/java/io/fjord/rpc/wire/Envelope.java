package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.Version;

/**
 * oslo's message envelope 2.0 (docs/wire-format.md §2): {@code {"oslo.version": "2.0", "oslo.message": "<JSON as a string>"}}.
 * Receiving also accepts the un-enveloped "1.0" form (the body is the message itself).
 */
final class Envelope {
  private Envelope() {
  }

  static final String VERSION_KEY = "oslo.version";
  static final String MESSAGE_KEY = "oslo.message";
  static final String VERSION = "2.0";

  /** Wraps {@code message} in the 2.0 envelope, byte-compatible with oslo. */
  static byte[] wrap(ObjectNode message) {
    // the inner JSON is pure printable ASCII (ensure_ascii escaped the rest), so quoting it as a JSON
    // string only escapes '"' and '\\': done byte by byte from the serializer's buffer instead of a
    // second serialization
    return WireJson.writeQuoted(message, PREFIX, SUFFIX);
  }

  private static final byte[] PREFIX = ("{\"" + VERSION_KEY + "\": \"" + VERSION + "\", \"" + MESSAGE_KEY + "\": \"")
      .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The raw (un-enveloped) form, as oslo's legacy {@code messaging} notification driver sends. */
  static byte[] raw(ObjectNode message) {
    return WireJson.writeBytes(message);
  }

  /**
   * Unwraps a body into its message object.
   *
   * @throws IllegalArgumentException naming the reason: not JSON, not an object, an envelope
   *     version other than 2.0, or an {@code oslo.message} that is not a JSON string holding an object
   */
  static ObjectNode unwrap(byte[] body) {
    ObjectNode fast = unwrapExact(body);
    if (fast != null) {
      return fast;
    }
    JsonNode node = WireJson.read(body);
    if (!(node instanceof ObjectNode obj)) {
      throw new IllegalArgumentException("message is not a JSON object but " + node.getNodeType());
    }
    if (obj.has(VERSION_KEY) && obj.has(MESSAGE_KEY)) {
      String version = obj.get(VERSION_KEY).asText();
      if (!VERSION.equals(version) && !Version.isCompatible(VERSION, version)) {
        throw new IllegalArgumentException("unsupported envelope version '" + version + "' (supported: 2.0)");
      }
      JsonNode inner = obj.get(MESSAGE_KEY);
      if (!inner.isTextual()) {
        throw new IllegalArgumentException("oslo.message must be a JSON string holding JSON, got " + inner.getNodeType());
      }
      JsonNode message = WireJson.read(inner.textValue());
      if (!(message instanceof ObjectNode m)) {
        throw new IllegalArgumentException("oslo.message is not a JSON object but " + message.getNodeType());
      }
      return m;
    }
    return obj;
  }

  /**
   * The fast path of {@link #unwrap}: a body exactly as oslo (and Fjord) write it (the envelope's
   * two keys in oslo's order and spacing, the inner JSON quoted with no escape but a backslash before
   * each quote and backslash) is unquoted byte by byte and parsed once, instead of parsing a string
   * and then the JSON inside it. Null for anything else (other escapes, key order
   * or keys, malformed inner JSON), which the general path handles and reports.
   */
  static ObjectNode unwrapExact(byte[] body) {
    int end = body.length - SUFFIX.length;
    if (end < PREFIX.length || !java.util.Arrays.equals(body, 0, PREFIX.length, PREFIX, 0, PREFIX.length)
        || body[end] != '"' || body[end + 1] != '}') {
      return null;
    }
    byte[] inner = new byte[end - PREFIX.length];
    int n = 0;
    int from = PREFIX.length;
    // copy the runs between escapes whole; only \" and \\ are expected, anything else leaves the fast path
    for (int i = Swar.next(body, from, end, true); i < end; i = Swar.next(body, from, end, true)) {
      System.arraycopy(body, from, inner, n, i - from);
      n += i - from;
      if (body[i] != '\\' || i + 1 == end || body[i + 1] != '"' && body[i + 1] != '\\') {
        return null; // a raw quote or control character, or another escape
      }
      inner[n++] = body[i + 1];
      from = i + 2;
    }
    System.arraycopy(body, from, inner, n, end - from);
    n += end - from;
    try {
      return WireJson.MAPPER.readTree(inner, 0, n) instanceof ObjectNode m ? m : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** The addressing fields of a request, read without building its arguments. */
  record Peek(String method, JsonNode msgId, String replyQueue) {
  }

  /**
   * Reads {@code method}, {@code _msg_id} and {@code _reply_q} of a request with a streaming parser,
   * skipping every other value: for oversized messages that must be answered but not decoded.
   *
   * @throws IllegalArgumentException when the body is not a readable request
   */
  static Peek peek(byte[] body) {
    try (com.fasterxml.jackson.core.JsonParser p = WireJson.MAPPER.getFactory().createParser(body)) {
      String inner = null;
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (MESSAGE_KEY.equals(name) && p.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          inner = p.getText();
        } else if (name.equals("method") || name.equals("_msg_id") || name.equals("_reply_q")) {
          return peekFields(body, null); // un-enveloped request
        } else {
          p.skipChildren();
        }
      }
      if (inner == null) {
        throw new IllegalArgumentException("no oslo.message");
      }
      return peekFields(null, inner);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  private static Peek peekFields(byte[] raw, String inner) throws java.io.IOException {
    var f = WireJson.MAPPER.getFactory();
    try (com.fasterxml.jackson.core.JsonParser p = raw != null ? f.createParser(raw) : f.createParser(inner)) {
      String method = null;
      JsonNode msgId = null;
      String replyQueue = null;
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("oslo.message is not a JSON object");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        if (name.equals("method") && t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          method = p.getText();
        } else if (name.equals("_msg_id") && t.isScalarValue()) {
          msgId = WireJson.MAPPER.readTree(p);
        } else if (name.equals("_reply_q") && t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          replyQueue = p.getText();
        } else {
          p.skipChildren();
        }
      }
      return new Peek(method, msgId, replyQueue);
    }
  }
}
