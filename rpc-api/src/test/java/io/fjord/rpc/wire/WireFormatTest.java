package io.fjord.rpc.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RemoteIdentity;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.UnsupportedRpcVersionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fjord's bytes against the captures of docs/wire-format.md §8 (copied verbatim into {@code captures/*.json}):
 * requests and replies built with the same ids and context must equal oslo's bodies byte for byte.
 *
 * <p>The failure-reply captures had their install paths replaced by
 * {@code <site-packages>} (their stated body_size is larger than the text shown), so they serve the
 * decoding tests and the JSON round trip, not a byte-exact rebuild from a Java exception.
 */
class WireFormatTest {
  private static final String REPLY_Q = "reply_bdc6f948602940dfb441ebec7e514f16";

  private static final RequestContext SIX_KEY_CONTEXT = RequestContext.builder()
      .userId("u-123")
      .projectId("p-456")
      .requestId("req-abc")
      .roles(List.of("admin", "member"))
      .admin(true)
      .put("custom_key", Map.of("nested", 1))
      .build();

  // ---- requests

  @Test
  void callRequestMatchesCapturedStep01() {
    ObjectNode value = WireJson.object();
    value.putArray("list").add(1).add(2.5).add("x");
    value.put("unicode", "h\u00e9llo \u2603");
    value.putNull("none");
    ObjectNode args = WireJson.object();
    args.set("value", value);

    WireRequest request = new WireRequest("echo", args, "spec_ns", "1.2", "3b02e33bce504d1bb93d26faa0d53c19",
        REPLY_Q, NullNode.getInstance(), "1ce22ed52e414a73a59e250374172b9f", SIX_KEY_CONTEXT);

    assertBytes(OsloWire.encode(request), "step01-call.json");
    assertThat(OsloWire.decodeRequest(capture("step01-call.json"))).isEqualTo(request);
  }

  @Test
  void castRequestMatchesCapturedStep02() {
    WireRequest request = new WireRequest("add", args("a", 1, "b", 2), "spec_ns", "1.2", null, null, null,
        "b847dd44b4a34102b017b82148c21092", SIX_KEY_CONTEXT);

    assertBytes(OsloWire.encode(request), "step02-cast.json");
    assertThat(OsloWire.decodeRequest(capture("step02-cast.json"))).isEqualTo(request);
    assertThat(request.wantsReply()).isFalse();
  }

  @Test
  void fanoutCastRequestMatchesCapturedStep03() {
    WireRequest request = new WireRequest("add", args("a", 10, "b", 20), "spec_ns", "1.2", null, null, null,
        "385ef3272bd449439f12c593715f3518", SIX_KEY_CONTEXT);

    assertBytes(OsloWire.encode(request), "step03-fanout-cast.json");
  }

  @Test
  void callWithEmptyContextMatchesCapturedStep04() {
    WireRequest request = new WireRequest("add", args("a", 3, "b", 4), "spec_ns", "1.2",
        "ca335ee483bf4d2bbfdc0dcda0707f9c", REPLY_Q, NullNode.getInstance(), "80e8ecb89bb14efaba289d861f260bc4",
        RequestContext.empty());

    assertBytes(OsloWire.encode(request), "step04-call-server.json");
    WireRequest decoded = OsloWire.decodeRequest(capture("step04-call-server.json"));
    assertThat(decoded).isEqualTo(request);
    assertThat(decoded.wantsReply()).isTrue();
    assertThat(decoded.timeoutSeconds()).isNull();
    assertThat(decoded.logId()).isEqualTo("ca335ee483bf4d2bbfdc0dcda0707f9c");
  }

  @Test
  void callWithCallMonitorTimeoutMatchesCapturedStep18() {
    WireRequest call = WireRequest.call("slow", args("seconds", 9), "spec_ns", "1.2",
        "84178cd01ec94bdabfddf51236eb0755", REPLY_Q, Duration.ofSeconds(4), null);
    WireRequest request = new WireRequest(call.method(), call.args(), call.namespace(), call.version(), call.msgId(),
        call.replyQueue(), call.timeout(), "d05be813df584b98a646b7d73d908310", call.context());

    assertBytes(OsloWire.encode(request), "step18-call-monitor.json");
    assertThat(OsloWire.decodeRequest(capture("step18-call-monitor.json")).timeoutSeconds()).isEqualTo(4L);
  }

  // ---- floats

  @Test
  void floatsAreWrittenAsPythonsReprWritesThem() throws IOException {
    // python-float-repr.txt: 6,211 doubles (edge cases, random bit patterns, everyday values) as Python 3's
    // float.hex() and json.dumps() wrote them; python-float-repr.py beside it made the file
    List<String> lines;
    try (InputStream in = WireFormatTest.class.getResourceAsStream("python-float-repr.txt")) {
      assertThat(in).as("test resource python-float-repr.txt").isNotNull();
      lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
    }
    assertThat(lines).hasSizeGreaterThan(6000);
    java.util.List<String> wrong = new java.util.ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      double v = Double.parseDouble(f[0]);
      String written = WireJson.write(WireJson.MAPPER.getNodeFactory().numberNode(v));
      if (!written.equals(f[1])) {
        wrong.add(f[0] + ": Python " + f[1] + ", Fjord " + written);
      }
    }
    assertThat(wrong).as("doubles written unlike Python").isEmpty();
    assertThat(new String(WireJson.writeBytes(WireJson.MAPPER.valueToTree(List.of(1e-5, 1e7, 0.5))),
        StandardCharsets.US_ASCII)).isEqualTo("[1e-05, 10000000.0, 0.5]");
  }

  // ---- replies

  @Test
  void successReplyMatchesCapturedStep04Reply() {
    WireReply reply = new WireReply(WireJson.MAPPER.getNodeFactory().numberNode(7), null, true,
        "ca335ee483bf4d2bbfdc0dcda0707f9c", "8e7882d4c89c4d13a63567e48f1ceb35");

    assertBytes(OsloWire.encode(reply), "step04-reply.json");
    assertThat(OsloWire.decodeReply(capture("step04-reply.json"))).isEqualTo(reply);
  }

  @Test
  void structuredReplyMatchesCapturedStep01Reply() {
    ObjectNode youSent = WireJson.object();
    youSent.putArray("list").add(1).add(2.5).add("x");
    youSent.put("unicode", "h\u00e9llo \u2603");
    youSent.putNull("none");
    ObjectNode ctxtSeen = WireJson.object();
    Contexts.flatten(SIX_KEY_CONTEXT, ctxtSeen);
    ObjectNode unprefixed = WireJson.object();
    ctxtSeen.fields().forEachRemaining(e -> unprefixed.set(e.getKey().substring(Contexts.PREFIX.length()), e.getValue()));
    unprefixed.putNull("client_timeout");
    ObjectNode result = WireJson.object();
    result.set("you_sent", youSent);
    result.put("server", "spec_server2");
    result.set("ctxt_seen", unprefixed);

    WireReply reply = new WireReply(result, null, true, "3b02e33bce504d1bb93d26faa0d53c19",
        "4c38192e7cc14a259fdb61ef69b2dfb0");

    assertBytes(OsloWire.encode(reply), "step01-reply.json");
  }

  @Test
  void heartbeatMatchesCapturedStep18Heartbeat() {
    WireReply heartbeat = new WireReply(null, null, false, "84178cd01ec94bdabfddf51236eb0755",
        "ae3bb8419bbd44b5b212269c44d8c6ac");

    assertBytes(OsloWire.encode(heartbeat), "step18-heartbeat.json");
    WireReply decoded = OsloWire.decodeReply(capture("step18-heartbeat.json"));
    assertThat(decoded).isEqualTo(heartbeat);
    assertThat(decoded.ending()).isFalse();
    assertThat(decoded.isFailure()).isFalse();
  }

  @Test
  void failureReplyIsRebuiltByteForByteFromItsDocument() {
    byte[] captured = capture("step05-failure-valueerror.json");
    ObjectNode original = Envelope.unwrap(captured);
    ObjectNode failureDoc = (ObjectNode) WireJson.read(original.get("failure").textValue());

    WireReply reply = new WireReply(null, WireJson.write(failureDoc), true, original.get("_msg_id").textValue(),
        original.get("_unique_id").textValue());

    assertThat(new String(OsloWire.encode(reply), StandardCharsets.UTF_8))
        .isEqualTo(new String(captured, StandardCharsets.UTF_8));
    assertThat(OsloWire.decodeReply(captured)).isEqualTo(reply);
  }

  @Test
  void requestIdsAreFreshUndashedHex() {
    String a = WireIds.hex();
    String b = WireIds.hex();
    assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(b);
    assertThat(WireIds.dashed()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    WireReply reply = WireReply.result("x", null);
    assertThat(reply.uniqueId()).matches("[0-9a-f]{32}").isNotEqualTo(WireReply.result("x", null).uniqueId());
  }

  // ---- JSON writer

  @ParameterizedTest
  @ValueSource(strings = {"step01-call.json", "step01-reply.json", "step02-cast.json", "step03-fanout-cast.json",
      "step04-call-server.json", "step04-reply.json", "step05-failure-valueerror.json", "step06-failure-specerror.json",
      "step08-failure-nosuchmethod.json", "step10-failure-unsupportedversion.json", "step16-failure-keyerror.json",
      "step18-call-monitor.json", "step18-heartbeat.json", "notify-v2.json", "notify-context.json"})
  void envelopedCaptureSurvivesUnwrapAndWrapUnchanged(String name) {
    byte[] captured = capture(name);

    assertThat(new String(Envelope.wrap(Envelope.unwrap(captured)), StandardCharsets.UTF_8))
        .isEqualTo(new String(captured, StandardCharsets.UTF_8));
  }

  @Test
  void legacyNotificationSurvivesUnwrapAndRawUnchanged() {
    byte[] captured = capture("notify-v1-legacy.json");

    assertThat(new String(Envelope.raw(Envelope.unwrap(captured)), StandardCharsets.UTF_8))
        .isEqualTo(new String(captured, StandardCharsets.UTF_8));
  }

  @Test
  void writerEscapesLikePythonJsonDumps() {
    ObjectNode node = WireJson.object();
    node.put("s", "\u00e9\u2603\ud83d\ude00\"\\/\n\r\t\b\f\u0001\u001f\u007f~");
    node.putArray("a").add(1).add(true).addNull();
    node.putObject("o");
    node.putArray("e");

    // json.dumps({"s": "é☃😀\"\\/\n\r\t\b\f\x01\x1f\x7f~", "a": [1, True, None], "o": {}, "e": []})
    assertThat(WireJson.write(node)).isEqualTo(
        "{\"s\": \"\\u00e9\\u2603\\ud83d\\ude00\\\"\\\\/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f~\", "
            + "\"a\": [1, true, null], \"o\": {}, \"e\": []}");
  }

  @Test
  void nonFiniteFloatsAreReadAndWrittenAsPythonsJsonDoes() {
    // json.dumps({"v": [float("nan"), float("inf"), -float("inf"), 1.5]}): allow_nan=True by default
    String python = "{\"v\": [NaN, Infinity, -Infinity, 1.5]}";

    JsonNode node = WireJson.read(python);

    assertThat(node.get("v").get(0).doubleValue()).isNaN();
    assertThat(node.get("v").get(1).doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(node.get("v").get(2).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(WireJson.write(node)).isEqualTo(python);
    assertThat(Envelope.unwrap(envelope("2.0", python)).get("v").get(0).doubleValue()).isNaN();
  }

  @Test
  void writerOutputIsPureAscii() {
    ObjectNode node = WireJson.object();
    node.put("k\u00e9", "\u4e2d\u6587");

    byte[] bytes = WireJson.writeBytes(node);

    assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo("{\"k\\u00e9\": \"\\u4e2d\\u6587\"}");
  }

  // ---- envelope

  @ParameterizedTest
  @ValueSource(strings = {"2.0", "2.0.0"})
  void unwrapAcceptsEnvelopeVersion(String version) {
    ObjectNode m = Envelope.unwrap(envelope(version, "{\"method\": \"m\"}"));

    assertThat(m.get("method").textValue()).isEqualTo("m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.1", "3.0", "2", "2.0.1", "1.0", "x"})
  void unwrapRejectsEnvelopeVersion(String version) {
    assertThatThrownBy(() -> Envelope.unwrap(envelope(version, "{\"method\": \"m\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported envelope version '" + version + "' (supported: 2.0)");
  }

  @Test
  void unwrapAcceptsUnenvelopedDict() {
    ObjectNode m = Envelope.unwrap(utf8("{\"method\": \"m\", \"args\": {}}"));

    assertThat(m.get("method").textValue()).isEqualTo("m");
    assertThat(m.has("args")).isTrue();
  }

  @Test
  void unwrapTreatsADictWithOnlyOneEnvelopeKeyAsUnenveloped() {
    ObjectNode m = Envelope.unwrap(utf8("{\"oslo.version\": \"9.9\", \"method\": \"m\"}"));

    assertThat(m.get("method").textValue()).isEqualTo("m");
  }

  /** Whatever path a body takes, the message is what the general two-step parse reads. */
  private static void assertUnwrapsAsGeneralPath(byte[] body) {
    JsonNode outer = WireJson.read(body);
    JsonNode expected = WireJson.read(outer.get(Envelope.MESSAGE_KEY).textValue());
    assertThat(Envelope.unwrap(body)).isEqualTo(expected);
  }

  @Test
  void exactEnvelopesTakeTheSinglePassPathAndReadTheSameMessage() {
    ObjectNode m = WireJson.object();
    m.put("method", "echo");
    m.put("quote", "say \"hi\" \\ back\\slash \n \u00e9 \u4e2d \u007f end");
    m.putArray("list").add(1).add(2.5).add(Double.NaN).addNull().add(true);
    m.putObject("nested").putObject("deeper").put("k\"ey", "v");
    byte[] body = Envelope.wrap(m);

    assertThat(Envelope.unwrapExact(body)).isEqualTo(m);
    assertThat(Envelope.unwrap(body)).isEqualTo(m);
    assertUnwrapsAsGeneralPath(body);
  }

  @Test
  void envelopesNotExactlyAsOsloWritesThemTakeTheGeneralPath() {
    String inner = "{\\\"v\\\": \\\"a\\\\nb\\\"}"; // {"v": "a\nb"} quoted once more
    List<String> bodies = List.of(
        // an escape other than \" and \\ in the outer string: \/ and \u0041
        "{\"oslo.version\": \"2.0\", \"oslo.message\": \"{\\\"v\\\": \\\"\\/\\u0041\\\"}\"}",
        // keys in the other order, and an extra key
        "{\"oslo.message\": \"" + inner + "\", \"oslo.version\": \"2.0\"}",
        "{\"oslo.version\": \"2.0\", \"oslo.message\": \"" + inner + "\", \"x\": \"y\"}",
        // the exact prefix and suffix, with a new line escaped in the outer string
        "{\"oslo.version\": \"2.0\", \"oslo.message\": \"{\\\"v\\\":\\n1}\"}");
    for (String b : bodies) {
      assertThat(Envelope.unwrapExact(utf8(b))).as(b).isNull();
      assertUnwrapsAsGeneralPath(utf8(b));
    }
  }

  @Test
  void malformedInnerJsonInAnExactEnvelopeIsReportedByTheGeneralPath() {
    byte[] body = utf8("{\"oslo.version\": \"2.0\", \"oslo.message\": \"{\\\"v\\\": }\"}");

    assertThat(Envelope.unwrapExact(body)).isNull();
    assertThatThrownBy(() -> Envelope.unwrap(body)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON");
  }

  @Test
  void unwrapAcceptsRawUtf8AndAnyWhitespace() {
    ObjectNode m = Envelope.unwrap(utf8("{\"oslo.message\":\"{\\\"v\\\":\\\"h\u00e9llo\\\"}\",\"oslo.version\":\"2.0\"}"));

    assertThat(m.get("v").textValue()).isEqualTo("h\u00e9llo");
  }

  @Test
  void unwrapRejectsOsloMessageGivenAsObject() {
    assertThatThrownBy(() -> Envelope.unwrap(utf8("{\"oslo.version\": \"2.0\", \"oslo.message\": {\"method\": \"m\"}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("oslo.message must be a JSON string holding JSON, got OBJECT");
  }

  @Test
  void unwrapRejectsOsloMessageThatIsNotAnObject() {
    assertThatThrownBy(() -> Envelope.unwrap(envelope("2.0", "[1, 2]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("oslo.message is not a JSON object but ARRAY");
  }

  @Test
  void unwrapRejectsNonJsonAndNonObjects() {
    assertThatThrownBy(() -> Envelope.unwrap(utf8("not json")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON: ");
    assertThatThrownBy(() -> Envelope.unwrap(utf8("")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Envelope.unwrap(utf8("[1]")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("message is not a JSON object but ARRAY");
  }

  // ---- context

  @Test
  void contextRoundTripsThroughPrefixedFields() {
    ObjectNode message = WireJson.object();
    message.put("method", "m");
    Contexts.flatten(SIX_KEY_CONTEXT, message);

    assertThat(iterableOf(message.fieldNames())).containsExactly("method", "_context_user_id",
        "_context_project_id", "_context_request_id", "_context_roles", "_context_is_admin", "_context_custom_key");
    RequestContext back = Contexts.extract(message);
    assertThat(back).isEqualTo(SIX_KEY_CONTEXT);
    assertThat(back.asMap().keySet()).containsExactlyElementsOf(SIX_KEY_CONTEXT.asMap().keySet());
    assertThat(iterableOf(message.fieldNames())).containsExactly("method");
  }

  // ---- failures: encoding

  @Test
  void encodeDescribesAJavaExceptionAsOsloDoes() {
    ObjectNode doc = (ObjectNode) WireJson.read(RemoteFailures.encode(new IllegalStateException("bad state")));

    assertThat(iterableOf(doc.fieldNames())).containsExactly("class", "module", "message", "tb", "args", "kwargs");
    assertThat(doc.get("class").textValue()).isEqualTo("IllegalStateException");
    assertThat(doc.get("module").textValue()).isEqualTo("java.lang");
    assertThat(doc.get("message").textValue()).isEqualTo("bad state");
    assertThat(doc.get("args")).isEqualTo(WireJson.read("[\"bad state\"]"));
    assertThat(doc.get("kwargs")).isEqualTo(WireJson.object());
    ArrayNode tb = (ArrayNode) doc.get("tb");
    assertThat(tb.size()).isGreaterThan(1);
    tb.forEach(line -> assertThat(line.isTextual()).isTrue());
    tb.forEach(line -> assertThat(line.textValue()).endsWith("\n"));
    assertThat(tb.get(0).textValue()).isEqualTo("java.lang.IllegalStateException: bad state\n");
    assertThat(tb.get(1).textValue()).startsWith("\tat " + WireFormatTest.class.getName());
  }

  @Test
  void encodeIncludesCausesInTheTraceback() {
    RuntimeException error = new RuntimeException("outer", new IllegalArgumentException("inner"));

    List<String> tb = RemoteFailures.traceback(error);

    assertThat(tb).contains("Caused by: java.lang.IllegalArgumentException: inner\n");
    assertThat(tb).allSatisfy(line -> assertThat(line).endsWith("\n"));
  }

  @Test
  void encodeOfAnExceptionWithoutMessageSendsAnEmptyMessage() {
    ObjectNode doc = (ObjectNode) WireJson.read(RemoteFailures.encode(new UnsupportedOperationException()));

    assertThat(doc.get("message").textValue()).isEmpty();
    assertThat(doc.get("class").textValue()).isEqualTo("UnsupportedOperationException");
  }

  @Test
  void encodeUsesTheRemoteIdentityOfAnException() {
    ObjectNode doc = (ObjectNode) WireJson.read(RemoteFailures.encode(new InstanceNotFound("Instance 42 could not be found.", 42)));

    assertThat(doc.get("class").textValue()).isEqualTo("InstanceNotFound");
    assertThat(doc.get("module").textValue()).isEqualTo("nova.exception");
    assertThat(doc.get("message").textValue()).isEqualTo("Instance 42 could not be found.");
    assertThat(doc.get("args")).isEqualTo(WireJson.read("[\"Instance 42 could not be found.\"]"));
    assertThat(doc.get("kwargs")).isEqualTo(WireJson.read("{\"instance_id\": 42}"));
  }

  @Test
  void encodeOfAReceivedRemoteExceptionPassesItsIdentityOn() {
    RuntimeException received = RemoteFailures.decode(failureOf("step06-failure-specerror.json"), null, Map.of());

    ObjectNode doc = (ObjectNode) WireJson.read(RemoteFailures.encode(received));

    assertThat(doc.get("class").textValue()).isEqualTo("SpecError");
    assertThat(doc.get("module").textValue()).isEqualTo("spec_exc");
    assertThat(doc.get("message").textValue()).isEqualTo("custom failure");
    assertThat(doc.get("args")).isEqualTo(WireJson.read("[\"custom failure\"]"));
    assertThat(doc.get("kwargs")).isEqualTo(WireJson.read("{\"code\": 42}"));
  }

  // ---- failures: decoding

  @Test
  void decodeOfNoSuchMethodGivesNoSuchRpcMethodException() {
    RuntimeException e = RemoteFailures.decode(failureOf("step08-failure-nosuchmethod.json"), null, Map.of());

    assertThat(e).isExactlyInstanceOf(NoSuchRpcMethodException.class);
    NoSuchRpcMethodException n = (NoSuchRpcMethodException) e;
    assertThat(n.remoteModule()).isEqualTo("oslo_messaging.rpc.dispatcher");
    assertThat(n.remoteClass()).isEqualTo("NoSuchMethod");
    assertThat(n.remoteMessage()).isEqualTo("Endpoint does not support RPC method no_such_method");
    assertThat(n.remoteTraceback()).hasSize(4).last()
        .isEqualTo("oslo_messaging.rpc.dispatcher.NoSuchMethod: Endpoint does not support RPC method no_such_method\n");
    assertThat(n.getMessage()).isEqualTo("Remote error: oslo_messaging.rpc.dispatcher.NoSuchMethod: "
        + "Endpoint does not support RPC method no_such_method");
  }

  @Test
  void decodeOfUnsupportedVersionGivesUnsupportedRpcVersionException() {
    RuntimeException e = RemoteFailures.decode(failureOf("step10-failure-unsupportedversion.json"),
        "call 'echo' to Target{topic=spec_topic}", Map.of());

    assertThat(e).isExactlyInstanceOf(UnsupportedRpcVersionException.class);
    UnsupportedRpcVersionException u = (UnsupportedRpcVersionException) e;
    assertThat(u.remoteMessage()).isEqualTo("Endpoint does not support RPC version 3.0. Attempted method: echo");
    assertThat(u.remoteClass()).isEqualTo("UnsupportedVersion");
    assertThat(u.getMessage()).isEqualTo("Remote error: oslo_messaging.rpc.dispatcher.UnsupportedVersion: "
        + "Endpoint does not support RPC version 3.0. Attempted method: echo (call 'echo' to Target{topic=spec_topic})");
  }

  @Test
  void decodeOfBuiltinValueErrorGivesRemoteException() {
    RuntimeException e = RemoteFailures.decode(failureOf("step05-failure-valueerror.json"), null, Map.of());

    assertThat(e).isExactlyInstanceOf(RemoteException.class);
    RemoteException r = (RemoteException) e;
    assertThat(r.remoteModule()).isEqualTo("builtins");
    assertThat(r.remoteClass()).isEqualTo("ValueError");
    assertThat(r.remoteMessage()).isEqualTo("bad value!");
    assertThat(r.remoteTraceback()).hasSize(6);
    assertThat(r.remoteTraceback().get(0)).isEqualTo("Traceback (most recent call last):\n");
    assertThat(r.remoteTraceback().get(5)).isEqualTo("ValueError: bad value!\n");
    assertThat(r.remoteArgs()).containsExactly("bad value!");
    assertThat(r.remoteKwargs()).isEmpty();
    assertThat(r.getMessage()).isEqualTo("Remote error: builtins.ValueError: bad value!");
  }

  @Test
  void decodeKeepsKwargsOfACustomException() {
    RemoteException r = (RemoteException) RemoteFailures.decode(failureOf("step06-failure-specerror.json"), null, Map.of());

    assertThat(r.remoteModule()).isEqualTo("spec_exc");
    assertThat(r.remoteClass()).isEqualTo("SpecError");
    assertThat(r.remoteKwargs()).containsExactly(Map.entry("code", 42));
  }

  @Test
  void decodeKeepsPythonsStrOfAKeyError() {
    RemoteException r = (RemoteException) RemoteFailures.decode(failureOf("step16-failure-keyerror.json"), null, Map.of());

    assertThat(r.remoteClass()).isEqualTo("KeyError");
    assertThat(r.remoteMessage()).isEqualTo("'missing-key'");
    assertThat(r.remoteArgs()).containsExactly("missing-key");
  }

  @Test
  void decodeOfAnAllowedTypeGivesThatJavaTypeWithTheRemoteExceptionSuppressed() {
    RuntimeException e = RemoteFailures.decode(failureOf("step05-failure-valueerror.json"), null,
        Map.of("builtins.ValueError", IllegalArgumentException.class));

    assertThat(e).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad value!");
    assertThat(e.getSuppressed()).hasSize(1);
    assertThat(e.getSuppressed()[0]).isInstanceOf(RemoteException.class);
    assertThat(((RemoteException) e.getSuppressed()[0]).remoteClass()).isEqualTo("ValueError");
  }

  @Test
  void decodeOfAnAllowedTypeWithoutMessageConstructorUsesTheNoArgConstructor() {
    RuntimeException e = RemoteFailures.decode(failureOf("step05-failure-valueerror.json"), null,
        Map.of("builtins.ValueError", NoMessageError.class));

    assertThat(e).isExactlyInstanceOf(NoMessageError.class);
    assertThat(e.getSuppressed()).hasSize(1);
  }

  @Test
  void decodeFallsBackToRemoteExceptionWhenTheAllowedTypeCannotBeBuilt() {
    RuntimeException e = RemoteFailures.decode(failureOf("step05-failure-valueerror.json"), null,
        Map.of("builtins.ValueError", UnbuildableError.class));

    assertThat(e).isExactlyInstanceOf(RemoteException.class);
  }

  @Test
  void decodeNeverLoadsAClassNamedByTheWire() {
    String failure = "{\"class\": \"IllegalStateException\", \"module\": \"java.lang\", \"message\": \"m\", "
        + "\"tb\": [], \"args\": [\"m\"], \"kwargs\": {}}";

    RuntimeException e = RemoteFailures.decode(failure, null, Map.of("builtins.ValueError", IllegalArgumentException.class));

    assertThat(e).isExactlyInstanceOf(RemoteException.class);
    assertThat(((RemoteException) e).remoteModule()).isEqualTo("java.lang");
    assertThat(((RemoteException) e).remoteClass()).isEqualTo("IllegalStateException");
  }

  @Test
  void decodeOfAnUndecodableFailureGivesRemoteException() {
    RuntimeException e = RemoteFailures.decode("not json", "call 'x' to Target{topic=t}", Map.of());

    assertThat(e).isExactlyInstanceOf(RemoteException.class);
    assertThat(((RemoteException) e).remoteClass()).isEqualTo("UnknownError");
    assertThat(((RemoteException) e).remoteMessage()).isEqualTo("not json");
  }

  @Test
  void encodedJavaFailureDecodesToItsIdentity() {
    RuntimeException e = RemoteFailures.decode(RemoteFailures.encode(new IllegalArgumentException("no such flavor")), null, Map.of());

    assertThat(e).isExactlyInstanceOf(RemoteException.class);
    RemoteException r = (RemoteException) e;
    assertThat(r.remoteModule()).isEqualTo("java.lang");
    assertThat(r.remoteClass()).isEqualTo("IllegalArgumentException");
    assertThat(r.remoteMessage()).isEqualTo("no such flavor");
    assertThat(r.remoteTraceback()).first().isEqualTo("java.lang.IllegalArgumentException: no such flavor\n");
  }

  // ---- helpers

  /** A Java exception that travels as a Python nova exception. */
  static final class InstanceNotFound extends RuntimeException implements RemoteIdentity {
    private static final long serialVersionUID = 1L;
    private final int instanceId;

    InstanceNotFound(String message, int instanceId) {
      super(message);
      this.instanceId = instanceId;
    }

    @Override
    public String remoteModule() {
      return "nova.exception";
    }

    @Override
    public String remoteClass() {
      return "InstanceNotFound";
    }

    @Override
    public Map<String, Object> remoteKwargs() {
      return Map.of("instance_id", instanceId);
    }
  }

  public static final class NoMessageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoMessageError() {
      super("fixed");
    }
  }

  public static final class UnbuildableError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnbuildableError(int code) {
      super("code " + code);
    }
  }

  private static ObjectNode args(Object... kv) {
    ObjectNode args = WireJson.object();
    for (int i = 0; i < kv.length; i += 2) {
      args.set((String) kv[i], WireJson.MAPPER.valueToTree(kv[i + 1]));
    }
    return args;
  }

  private static byte[] envelope(String version, String message) {
    ObjectNode outer = WireJson.object();
    outer.put("oslo.version", version);
    outer.put("oslo.message", message);
    return WireJson.writeBytes(outer);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> Iterable<T> iterableOf(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static String failureOf(String name) {
    JsonNode failure = Envelope.unwrap(capture(name)).get("failure");
    assertThat(failure.isTextual()).as("failure of %s is a JSON string", name).isTrue();
    return failure.textValue();
  }

  static byte[] capture(String name) {
    try (InputStream in = WireFormatTest.class.getResourceAsStream("captures/" + name)) {
      assertThat(in).as("test resource captures/%s", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compares as text first (a readable diff), then as bytes. */
  private static void assertBytes(byte[] actual, String captureName) {
    byte[] expected = capture(captureName);
    assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(actual).isEqualTo(expected);
  }
}
