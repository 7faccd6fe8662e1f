package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.interop.JavaEndpoints.Invocation;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Debian's real oslo.messaging RPC client ({@code oslo/rpc_client.py}) calling Fjord RPC servers on
 * the test broker: one Python client for the class, two Fjord servers ({@code java-1}, {@code java-2})
 * on a fresh topic per test. Every assertion is on what the oslo client returned or raised, and on
 * what the Java endpoints saw. Each subclass runs it in one {@link OsloSetup} (oslo version, broker,
 * options), giving its fixture to the constructor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PythonClientToJavaServerContract {
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final InteropFixture fixture;
  private Transport transport;
  private OsloPeer client;

  private final Inbox<Invocation> recorder = new Inbox<>();
  private String topic;

  PythonClientToJavaServerContract(InteropFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeAll
  void startPythonClient() throws Exception {
    String exchange = fixture.name("pycli_x");
    fixture.deleteExchanges(exchange);
    transport = fixture.transport(exchange);
    client = fixture.startPeer("rpc_client.py", "--control-exchange", exchange);
  }

  @BeforeEach
  void startJavaServers() {
    topic = fixture.name("pycli_t");
    fixture.deleteQueues(topic, topic + ".java-1", topic + ".java-2", topic + "_fanout");
    fixture.deleteExchanges(topic + "_fanout");
    startServer(Target.topic(topic).withServer("java-1"));
    startServer(Target.topic(topic).withServer("java-2"));
  }

  private void startServer(Target target) {
    RpcServer server = RpcServer.builder(transport, target)
        .endpoint(new JavaEndpoints.InteropV1(target.server(), recorder))
        .endpoint(new JavaEndpoints.InteropV2(target.server()))
        .enablePing(true)
        .build();
    fixture.closeLater(server);
    server.start();
  }

  /** A call on this test's topic in namespace {@code interop}. */
  private OsloCommand call(String method) {
    return OsloCommand.call(method).topic(topic).namespace("interop");
  }

  private JsonNode run(OsloCommand command) {
    return client.request(command.node(), ANSWER);
  }

  /** The result of a call that must have succeeded. */
  private JsonNode result(OsloCommand command) {
    JsonNode answer = run(command);
    assertThat(answer.path("ok").asBoolean()).as("oslo call %s succeeded; answer: %s", command, answer).isTrue();
    return answer.get("result");
  }

  /** The exception fields of a call that must have failed. */
  private JsonNode failure(OsloCommand command) {
    JsonNode answer = run(command);
    assertThat(answer.path("ok").asBoolean()).as("oslo call %s failed; answer: %s", command, answer).isFalse();
    return answer;
  }

  // ------------------------------------------------------------------ routing

  @Test
  void callOnATopicIsAnsweredByOneOfTheServers() throws Exception {
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      answeredBy.add(result(call("whoami")).asText());
    }
    // the broker round-robins the shared <topic> queue between both servers' consumers
    assertThat(answeredBy).containsExactlyInAnyOrder("java-1", "java-2");
    assertThat(result(call("add").arg("a", 2).arg("b", 40)).asLong()).isEqualTo(42);
  }

  @Test
  void callToOneServerReachesOnlyThatServer() {
    for (int i = 0; i < 4; i++) {
      assertThat(result(call("whoami").server("java-2")).asText()).isEqualTo("java-2");
    }
  }

  @Test
  void castReachesOneServer() throws Exception {
    String tag = fixture.name("cast");
    JsonNode answer = run(OsloCommand.cast("record").topic(topic).namespace("interop").arg("tag", tag)
        .ctxt(Map.of("request_id", "req-cast")));
    assertThat(answer.path("ok").asBoolean()).isTrue();
    assertThat(answer.get("result").isNull()).isTrue();

    List<Invocation> got = recorder.await("record(" + tag + ")", 1, ANSWER, i -> i.tag().equals(tag));
    assertThat(got.get(0).server()).isIn("java-1", "java-2");
    assertThat(got.get(0).context().requestId()).isEqualTo("req-cast");
    // a call through the same queue is processed after the cast was taken: still one delivery
    result(call("whoami"));
    assertThat(recorder.all(i -> i.tag().equals(tag))).hasSize(1);
  }

  @Test
  void castToOneServerReachesThatServer() throws Exception {
    String tag = fixture.name("cast1");
    run(OsloCommand.cast("record").topic(topic).server("java-1").namespace("interop").arg("tag", tag));
    assertThat(recorder.await("record(" + tag + ")", 1, ANSWER, i -> i.tag().equals(tag)).get(0).server()).isEqualTo("java-1");
  }

  @Test
  void fanoutCastReachesEveryServer() throws Exception {
    String tag = fixture.name("fanout");
    JsonNode answer = run(OsloCommand.cast("record").topic(topic).namespace("interop").fanout().arg("tag", tag));
    assertThat(answer.path("ok").asBoolean()).as("%s", answer).isTrue();

    List<Invocation> got = recorder.await("record(" + tag + ")", 2, ANSWER, i -> i.tag().equals(tag));
    assertThat(got).extracting(Invocation::server).containsExactlyInAnyOrder("java-1", "java-2");
  }

  @Test
  void exchangeOverrideOnTheTargetReachesAServerOnThatExchange() throws Exception {
    String exchange = fixture.name("pycli_ox");
    String otherTopic = fixture.name("pycli_ot");
    fixture.deleteQueues(otherTopic, otherTopic + ".java-x", otherTopic + "_fanout");
    fixture.deleteExchanges(exchange, otherTopic + "_fanout");
    startServer(Target.topic(otherTopic).withExchange(exchange).withServer("java-x"));

    assertThat(result(OsloCommand.call("whoami").exchange(exchange).topic(otherTopic).namespace("interop")).asText())
        .isEqualTo("java-x");
    String tag = fixture.name("xcast");
    run(OsloCommand.cast("record").exchange(exchange).topic(otherTopic).namespace("interop").arg("tag", tag));
    assertThat(recorder.await("record(" + tag + ")", 1, ANSWER, i -> i.tag().equals(tag)).get(0).server()).isEqualTo("java-x");
    // on the control exchange nobody listens to that topic
    JsonNode missed = failure(OsloCommand.call("whoami").topic(otherTopic).namespace("interop")
        .timeout(Duration.ofSeconds(1)));
    assertThat(missed.path("exc_class").asText()).isEqualTo("MessagingTimeout");
  }

  // ------------------------------------------------------------------ namespaces and versions

  @Test
  void compatibleVersionsReachTheirEndpoint() {
    assertThat(result(call("echo").version("1.2").arg("value", "a")).path("you_sent").asText()).isEqualTo("a");
    assertThat(result(call("echo").version("1.3").arg("value", "b")).path("you_sent").asText()).isEqualTo("b");
    assertThat(result(call("echo").arg("value", "no version is 1.0")).has("you_sent")).isTrue();
    assertThat(result(call("echo").version("2.0").arg("value", "c")).path("v2").asText()).isEqualTo("c");
    // oslo's ping endpoint, no namespace: Fjord's enablePing answers as rpc_ping_enabled does
    assertThat(result(OsloCommand.call("oslo_rpc_server_ping").topic(topic)).asText()).isEqualTo("pong");
  }

  @Test
  void incompatibleVersionsAndNamespacesRaiseUnsupportedVersionAtTheOsloClient() {
    assertRemoteError(call("echo").version("1.4").arg("value", 1), "UnsupportedVersion",
        "Endpoint does not support RPC version 1.4. Attempted method: echo");
    assertRemoteError(call("echo").version("3.0").arg("value", 1), "UnsupportedVersion",
        "Endpoint does not support RPC version 3.0. Attempted method: echo");
    assertRemoteError(OsloCommand.call("echo").topic(topic).namespace("other").arg("value", 1), "UnsupportedVersion",
        "Endpoint does not support RPC version 1.0. Attempted method: echo");
  }

  @Test
  void unknownAndPrivateMethodsRaiseNoSuchMethodAtTheOsloClient() {
    assertRemoteError(call("no_such_method"), "NoSuchMethod", "Endpoint does not support RPC method no_such_method");
    assertRemoteError(call("_private"), "NoSuchMethod", "Endpoint does not support RPC method _private");
  }

  @Test
  void aCallerWhoseDeadlineBudgetRanOutGetsDeadlineExceededAndTheMethodDoesNotRun() {
    // an oslo caller may carry Fjord's deadline key in its context; 0 ms left: the server must not run it
    JsonNode e = failure(call("echo").arg("value", 1).ctxt(Map.of("fjord_deadline_ms", 0)));
    assertThat(e.path("exc_module").asText() + "." + e.path("exc_class").asText())
        .isEqualTo("oslo_messaging.rpc.client.RemoteError");
    assertThat(e.path("exc_type").asText()).isEqualTo("DeadlineExceeded");
    assertThat(e.path("value").asText()).contains("was not run");
    // with time left the same call runs, and the key is not in the context the endpoint gets
    JsonNode seen = result(call("context").ctxt(Map.of("fjord_deadline_ms", 30_000, "request_id", "req-budget")));
    assertThat(seen.path("ctxt").has("fjord_deadline_ms")).isFalse();
    assertThat(seen.path("ctxt").path("request_id").asText()).isEqualTo("req-budget");
  }

  /** oslo raises RemoteError(exc_type, value) for these, exactly as from an oslo server (docs/wire-format.md §4.5). */
  private void assertRemoteError(OsloCommand command, String excType, String value) {
    JsonNode e = failure(command);
    assertThat(e.path("exc_module").asText() + "." + e.path("exc_class").asText())
        .isEqualTo("oslo_messaging.rpc.client.RemoteError");
    assertThat(e.path("exc_type").asText()).isEqualTo(excType);
    assertThat(e.path("value").asText()).isEqualTo(value);
    assertThat(e.path("exc_str").asText()).startsWith("Remote error: " + excType + " " + value + "\n");
  }

  // ------------------------------------------------------------------ remote exceptions

  @Test
  void javaExceptionArrivesAsRemoteErrorNamingTheJavaClass() {
    JsonNode e = failure(call("boom_builtin").arg("message", "bad value!"));
    assertThat(e.path("exc_class").asText()).isEqualTo("RemoteError");
    assertThat(e.path("exc_type").asText()).isEqualTo("IllegalArgumentException");
    assertThat(e.path("value").asText()).isEqualTo("bad value!");
    assertThat(e.path("traceback").get(0).asText()).isEqualTo("java.lang.IllegalArgumentException: bad value!\n");
    assertThat(e.path("exc_str").asText()).startsWith("Remote error: IllegalArgumentException bad value!\n");
  }

  @Test
  void javaExceptionWithABuiltinIdentityIsRaisedAsThatPythonBuiltin() {
    JsonNode e = failure(call("boom_value_error").arg("message", "bad value!"));
    assertThat(e.path("exc_module").asText() + "." + e.path("exc_class").asText()).isEqualTo("builtins.ValueError");
    // oslo re-raises builtins with message + "\n" + the remote traceback as the only argument
    assertThat(e.path("exc_str").asText()).startsWith("bad value!\n")
        .contains("PythonValueError: bad value!");
  }

  @Test
  void javaExceptionWithAServiceModuleIdentityIsReRaisedThroughAllowedRemoteExmods() {
    JsonNode e = failure(call("boom_custom").arg("message", "custom failure").arg("code", 42));
    assertThat(e.path("exc_module").asText() + "." + e.path("exc_class").asText())
        .isEqualTo("fjord_interop_exc_Remote.InteropError_Remote");
    assertThat(e.path("exc_mro")).extracting(JsonNode::asText).contains("fjord_interop_exc.InteropError");
    assertThat(e.path("code").asInt()).isEqualTo(42);
    assertThat(e.path("kwargs")).isEqualTo(Payloads.parse("{\"code\": 42}"));
    assertThat(e.path("exc_args")).isEqualTo(Payloads.parse("[\"custom failure\"]"));
    assertThat(e.path("exc_str").asText()).startsWith("custom failure\n");

    // the same failure to a client that did not allow the module: oslo's RemoteError
    JsonNode plain = failure(call("boom_custom").arg("message", "custom failure").arg("code", 42).exmods(false));
    assertThat(plain.path("exc_class").asText()).isEqualTo("RemoteError");
    assertThat(plain.path("exc_type").asText()).isEqualTo("InteropError");
    assertThat(plain.path("value").asText()).isEqualTo("custom failure");
  }

  // ------------------------------------------------------------------ timeouts and heartbeats

  @Test
  void callToATopicWithoutServerRaisesMessagingTimeout() {
    JsonNode e = failure(OsloCommand.call("whoami").topic(fixture.name("pycli_nobody")).timeout(Duration.ofSeconds(2)));
    assertThat(e.path("exc_module").asText() + "." + e.path("exc_class").asText())
        .isEqualTo("oslo_messaging.exceptions.MessagingTimeout");
    assertThat(e.path("exc_str").asText()).startsWith("Timed out waiting for a reply to message ID ");
    assertThat(e.path("elapsed").asDouble()).isBetween(1.9, 10.0);
  }

  @Test
  void callLongerThanTheCallMonitorTimeoutSucceedsThanksToHeartbeats() {
    // oslo's client fails a call after call_monitor_timeout without a reply message: only Fjord's
    // heartbeats (every 2 s, half of 4 s; 2 s of slack on a busy machine) keep this 6 s call alive
    JsonNode answer = run(call("slow").arg("seconds", 6).timeout(Duration.ofSeconds(30))
        .callMonitorTimeout(Duration.ofSeconds(4)));
    assertThat(answer.path("ok").asBoolean()).as("%s", answer).isTrue();
    assertThat(answer.path("result").asText()).isEqualTo("slept 6");
    assertThat(answer.path("elapsed").asDouble()).isGreaterThanOrEqualTo(6.0);
  }

  // ------------------------------------------------------------------ context and payloads

  @Test
  void dictContextRoundTripsUnchanged() {
    Map<String, Object> ctxt = new LinkedHashMap<>();
    ctxt.put("request_id", "req-0b7a5c3e");
    ctxt.put("user_id", "u-123");
    ctxt.put("project_id", "p-456");
    ctxt.put("roles", List.of("admin", "member"));
    ctxt.put("is_admin", true);
    ctxt.put("custom_key", Map.of("nested", List.of(1, "x")));
    ctxt.put("custom_null", null);
    ctxt.put("unicode", "h\u00e9llo \u2603");

    JsonNode seen = result(call("context").ctxt(ctxt));
    Map<String, Object> expected = new LinkedHashMap<>(ctxt);
    expected.put("client_timeout", null); // oslo servers add it; so does Fjord
    assertThat(seen.get("ctxt")).isEqualTo(Payloads.normalize(expected));
    assertThat(seen.get("typed")).isEqualTo(Payloads.parse("""
        {"request_id": "req-0b7a5c3e", "user_id": "u-123", "project_id": "p-456", "roles": ["admin", "member"],
         "is_admin": true}"""));
  }

  @Test
  void osloContextObjectIsReadByTheTypedAccessors() {
    JsonNode seen = result(call("context").osloContext(Map.of("request_id", "req-ctx-obj", "user_id", "u-9",
        "project_id", "p-9", "roles", List.of("reader"), "is_admin", false)));
    // oslo.context's to_dict() names the user "user" and adds its own keys; all of them arrive
    assertThat(seen.path("ctxt").path("user").asText()).isEqualTo("u-9");
    assertThat(seen.path("ctxt").path("user_identity").asText()).isEqualTo("u-9 p-9 - - -");
    assertThat(seen.get("typed")).isEqualTo(Payloads.parse("""
        {"request_id": "req-ctx-obj", "user_id": "u-9", "project_id": "p-9", "roles": ["reader"], "is_admin": false}"""));
  }

  @Test
  void payloadValuesRoundTripWithTheirJsonTypes() {
    ObjectNode value = Payloads.value();
    value.putObject("when").put("$datetime", Payloads.DATETIME); // a Python datetime.datetime

    JsonNode echoed = result(call("echo").arg("value", value));
    ObjectNode expected = Payloads.value();
    expected.put("when", Payloads.DATETIME); // as oslo serializes a datetime
    assertThat(echoed.get("you_sent")).isEqualTo(expected);
    JsonNode types = echoed.get("types");
    assertThat(types.path("int").asText()).isEqualTo("Integer");
    assertThat(types.path("long_max").asText()).isEqualTo("Long");
    assertThat(types.path("beyond_long").asText()).isEqualTo("BigInteger");
    assertThat(types.path("float").asText()).isEqualTo("Double");
    assertThat(types.path("null").asText()).isEqualTo("null");
    assertThat(types.path("true").asText()).isEqualTo("Boolean");
    assertThat(types.path("when").asText()).isEqualTo("String");
    assertThat(types.path("nested").path("list").get(1).asText()).isEqualTo("Double");
  }

  @Test
  void nonFiniteFloatsRoundTripAsPythonFloats() {
    // json.dumps writes float('nan') as the bare token NaN (allow_nan=True): Fjord reads and writes it
    JsonNode answer = run(call("echo").argsJson("{\"value\": [NaN, Infinity, -Infinity]}"));
    assertThat(answer.path("ok").asBoolean()).as("%s", answer).isTrue();
    JsonNode echoed = answer.get("result").get("you_sent");
    assertThat(echoed.get(0).doubleValue()).isNaN();
    assertThat(echoed.get(1).doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(echoed.get(2).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(answer.get("result").get("types")).isEqualTo(Payloads.parse("[\"Double\", \"Double\", \"Double\"]"));
    assertThat(answer.path("types").path("you_sent")).isEqualTo(Payloads.parse("[\"float\", \"float\", \"float\"]"));
  }

  @Test
  void datetimesTravelInOslosFormat() {
    ObjectNode when = OsloPeer.JSON.createObjectNode().put("$datetime", Payloads.DATETIME);
    assertThat(result(call("parse_datetime").arg("value", when))).isEqualTo(Payloads.parse("""
        {"year": 2024, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5, "microsecond": 6}"""));
    assertThat(result(call("send_datetime")).path("when").asText()).isEqualTo(Payloads.DATETIME);
  }
}
