package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.interop.JavaEndpoints.LocalInteropException;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.client.CallOptions;
import io.fjord.rpc.client.RpcClient;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Fjord's RpcClient calling Debian's real oslo.messaging RPC servers ({@code oslo/rpc_server.py}):
 * one Python process for the class runs {@code py-1} and {@code py-2} on one topic and {@code py-x}
 * on another topic of another exchange. Every assertion is on what the Fjord client returned or
 * threw, and on what the oslo endpoints printed. Each subclass runs it in one {@link OsloSetup}
 * (oslo version, broker, options), giving its fixture to the constructor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JavaClientToPythonServerContract {
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final InteropFixture fixture;
  private String topic;
  private String otherExchange;
  private String otherTopic;
  private Transport transport;
  private OsloPeer servers;
  private RpcClient client;

  JavaClientToPythonServerContract(InteropFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeAll
  void startPythonServers() throws Exception {
    String exchange = fixture.name("pysrv_x");
    topic = fixture.name("pysrv_t");
    otherExchange = fixture.name("pysrv_ox");
    otherTopic = fixture.name("pysrv_ot");
    // <topic>_fanout is also a queue (the stream) with rabbit_stream_fanout
    fixture.deleteQueues(topic, topic + ".py-1", topic + ".py-2", topic + "_fanout", otherTopic, otherTopic + ".py-x",
        otherTopic + "_fanout");
    fixture.deleteExchanges(exchange, otherExchange, topic + "_fanout", otherTopic + "_fanout");
    servers = fixture.startPeer("rpc_server.py", "--control-exchange", exchange,
        "--target", ":" + topic + ":py-1", "--target", ":" + topic + ":py-2",
        "--target", otherExchange + ":" + otherTopic + ":py-x");
    transport = fixture.transport(exchange);
    client = RpcClient.builder(transport, Target.topic(topic).withNamespace("interop"))
        .timeout(ANSWER)
        .allowRemoteException("fjord_interop_exc", "InteropError", LocalInteropException.class)
        .build();
  }

  private static JsonNode call(RpcClient c, String method, Map<String, ?> args) {
    return c.call(RequestContext.empty(), method, args, JsonNode.class);
  }

  private RpcClient prepare(CallOptions.Builder options) {
    return client.prepare(options.build());
  }

  private JsonNode awaitInvoked(String tag, int count) {
    return servers.awaitAll("record(" + tag + ") on " + count + " server(s)", count, ANSWER, l ->
        "invoked".equals(l.path("event").asText()) && tag.equals(l.path("tag").asText())).get(0);
  }

  // ------------------------------------------------------------------ routing

  @Test
  void callOnATopicIsAnsweredByOneOfTheServers() {
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      answeredBy.add(client.call(RequestContext.empty(), "whoami", Map.of(), String.class));
    }
    assertThat(answeredBy).containsExactlyInAnyOrder("py-1", "py-2");
    assertThat(client.call(RequestContext.empty(), "add", Map.of("a", 2, "b", 40), Long.class)).isEqualTo(42L);
  }

  @Test
  void callToOneServerReachesOnlyThatServer() {
    RpcClient toPy2 = client.prepare("py-2", false);
    for (int i = 0; i < 4; i++) {
      assertThat(toPy2.call(RequestContext.empty(), "whoami", Map.of(), String.class)).isEqualTo("py-2");
    }
  }

  @Test
  void castReachesOneServer() {
    String tag = fixture.name("cast");
    client.cast(RequestContext.builder().requestId("req-cast").build(), "record", Map.of("tag", tag));
    JsonNode invoked = awaitInvoked(tag, 1);
    assertThat(invoked.path("server").asText()).isIn("py-1", "py-2");
    assertThat(invoked.path("ctxt").path("request_id").asText()).isEqualTo("req-cast");
    call(client, "whoami", Map.of()); // a later message on the same queue
    assertThat(servers.lines(l -> tag.equals(l.path("tag").asText()))).hasSize(1);
  }

  @Test
  void castToOneServerReachesThatServer() {
    String tag = fixture.name("cast1");
    client.prepare("py-1", false).cast(RequestContext.empty(), "record", Map.of("tag", tag));
    assertThat(awaitInvoked(tag, 1).path("server").asText()).isEqualTo("py-1");
  }

  @Test
  void fanoutCastReachesEveryServer() {
    String tag = fixture.name("fanout");
    client.prepare(null, true).cast(RequestContext.empty(), "record", Map.of("tag", tag));
    awaitInvoked(tag, 2);
    assertThat(servers.lines(l -> tag.equals(l.path("tag").asText())))
        .extracting(l -> l.path("server").asText()).containsExactlyInAnyOrder("py-1", "py-2");
  }

  @Test
  void exchangeOverrideOnTheTargetReachesAServerOnThatExchange() {
    RpcClient other = prepare(CallOptions.builder().exchange(otherExchange).topic(otherTopic));
    assertThat(other.call(RequestContext.empty(), "whoami", Map.of(), String.class)).isEqualTo("py-x");
    String tag = fixture.name("xcast");
    other.cast(RequestContext.empty(), "record", Map.of("tag", tag));
    assertThat(awaitInvoked(tag, 1).path("server").asText()).isEqualTo("py-x");
    // on the control exchange nobody listens to that topic
    assertThatThrownBy(() -> prepare(CallOptions.builder().topic(otherTopic).timeout(Duration.ofSeconds(1)))
        .call(RequestContext.empty(), "whoami", Map.of(), String.class))
        .isInstanceOf(MessagingTimeoutException.class);
  }

  // ------------------------------------------------------------------ namespaces and versions

  @Test
  void compatibleVersionsReachTheirEndpoint() {
    assertThat(call(prepare(CallOptions.builder().version("1.2")), "echo", Map.of("value", "a"))
        .path("you_sent").asText()).isEqualTo("a");
    assertThat(call(prepare(CallOptions.builder().version("1.3")), "echo", Map.of("value", "b"))
        .path("you_sent").asText()).isEqualTo("b");
    assertThat(call(client, "echo", Map.of("value", "no version is 1.0")).has("you_sent")).isTrue();
    assertThat(call(prepare(CallOptions.builder().version("2.0")), "echo", Map.of("value", "c"))
        .path("v2").asText()).isEqualTo("c");
    // oslo's own ping endpoint (rpc_ping_enabled), no namespace
    RpcClient noNamespace = RpcClient.create(transport, Target.topic(topic));
    assertThat(noNamespace.call(RequestContext.empty(), "oslo_rpc_server_ping", Map.of(), String.class)).isEqualTo("pong");
  }

  @Test
  void incompatibleVersionsAndNamespacesThrowUnsupportedRpcVersionException() {
    assertUnsupported(prepare(CallOptions.builder().version("1.4")), "1.4");
    assertUnsupported(prepare(CallOptions.builder().version("3.0")), "3.0");
    assertUnsupported(prepare(CallOptions.builder().namespace("other")), "1.0");
  }

  private static void assertUnsupported(RpcClient c, String version) {
    UnsupportedRpcVersionException e = catchThrowableOfType(UnsupportedRpcVersionException.class,
        () -> call(c, "echo", Map.of("value", 1)));
    assertThat(e).as("calling echo at %s", c.target()).isNotNull();
    assertThat(e.remoteModule()).isEqualTo("oslo_messaging.rpc.dispatcher");
    assertThat(e.remoteClass()).isEqualTo("UnsupportedVersion");
    assertThat(e.remoteMessage()).isEqualTo("Endpoint does not support RPC version " + version + ". Attempted method: echo");
    assertThat(e.remoteTraceback()).last().asString().startsWith("oslo_messaging.rpc.dispatcher.UnsupportedVersion: ");
  }

  @Test
  void unknownAndPrivateMethodsThrowNoSuchRpcMethodException() {
    for (String method : List.of("no_such_method", "_private")) {
      NoSuchRpcMethodException e = catchThrowableOfType(NoSuchRpcMethodException.class,
          () -> call(client, method, Map.of()));
      assertThat(e).as(method).isNotNull();
      assertThat(e.remoteModule()).isEqualTo("oslo_messaging.rpc.dispatcher");
      assertThat(e.remoteMessage()).isEqualTo("Endpoint does not support RPC method " + method);
    }
  }

  // ------------------------------------------------------------------ remote exceptions

  @Test
  void pythonBuiltinExceptionArrivesAsRemoteExceptionWithItsIdentity() {
    RemoteException e = catchThrowableOfType(RemoteException.class,
        () -> call(client, "boom_builtin", Map.of("message", "bad value!")));
    assertThat(e).isNotNull();
    assertThat(e.remoteModule()).isEqualTo("builtins");
    assertThat(e.remoteClass()).isEqualTo("ValueError");
    assertThat(e.remoteMessage()).isEqualTo("bad value!");
    assertThat(e.remoteArgs()).containsExactly("bad value!");
    assertThat(e.remoteTraceback()).first().asString().isEqualTo("Traceback (most recent call last):\n");
    assertThat(e.remoteTraceback()).last().asString().isEqualTo("ValueError: bad value!\n");
    assertThat(e.getMessage()).startsWith("Remote error: builtins.ValueError: bad value!");
  }

  @Test
  void pythonBuiltinExceptionCanBeRethrownAsAJavaType() {
    RpcClient mapping = RpcClient.builder(transport, Target.topic(topic).withNamespace("interop"))
        .allowRemoteException("builtins", "ValueError", IllegalArgumentException.class).build();
    IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
        () -> call(mapping, "boom_builtin", Map.of("message", "bad value!")));
    assertThat(e).isNotNull().hasMessage("bad value!");
    assertThat(e.getSuppressed()).singleElement().isInstanceOf(RemoteException.class);
  }

  @Test
  void pythonServiceExceptionKeepsItsModuleClassAndKwargs() {
    LocalInteropException allowed = catchThrowableOfType(LocalInteropException.class,
        () -> call(client, "boom_custom", Map.of("message", "custom failure", "code", 42)));
    assertThat(allowed).isNotNull().hasMessage("custom failure");
    RemoteException remote = (RemoteException) allowed.getSuppressed()[0];
    assertThat(remote.remoteKwargs()).isEqualTo(Map.of("code", 42));

    RpcClient plain = RpcClient.create(transport, Target.topic(topic).withNamespace("interop"));
    RemoteException e = catchThrowableOfType(RemoteException.class,
        () -> call(plain, "boom_custom", Map.of("message", "custom failure", "code", 42)));
    assertThat(e).isNotNull();
    assertThat(e.remoteModule()).isEqualTo("fjord_interop_exc");
    assertThat(e.remoteClass()).isEqualTo("InteropError");
    assertThat(e.remoteMessage()).isEqualTo("custom failure");
    assertThat(e.remoteArgs()).containsExactly("custom failure");
    assertThat(e.remoteKwargs()).isEqualTo(Map.of("code", 42));
  }

  // ------------------------------------------------------------------ timeouts and heartbeats

  @Test
  void callToATopicWithoutServerThrowsMessagingTimeoutException() {
    RpcClient nobody = RpcClient.builder(transport, Target.topic(fixture.name("pysrv_nobody")))
        .timeout(Duration.ofSeconds(2)).build();
    long start = System.nanoTime();
    MessagingTimeoutException e = catchThrowableOfType(MessagingTimeoutException.class,
        () -> nobody.call(RequestContext.empty(), "whoami", Map.of(), String.class));
    assertThat(e).isNotNull();
    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(e.method()).isEqualTo("whoami");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
  }

  @Test
  void callLongerThanTheCallMonitorTimeoutSucceedsThanksToHeartbeats() {
    // Fjord fails the call after 4 s without a reply message: only oslo's watchdog heartbeats
    // (every int(4)/2 = 2 s; 2 s of slack on a busy machine) keep this 6 s call alive
    RpcClient monitored = prepare(CallOptions.builder().timeout(Duration.ofSeconds(30))
        .callMonitorTimeout(Duration.ofSeconds(4)));
    // oslo's watchdog leak (docs/wire-format.md §4.3): after NoSuchMethod the oslo server keeps sending heartbeats
    // for this msg_id; they land on the same reply queue during the next call and must be dropped
    assertThatThrownBy(() -> call(monitored, "no_such_method", Map.of())).isInstanceOf(NoSuchRpcMethodException.class);
    assertThat(monitored.call(RequestContext.empty(), "slow", Map.of("seconds", 6), String.class)).isEqualTo("slept 6");
  }

  // ------------------------------------------------------------------ context and payloads

  @Test
  void contextRoundTripsUnchangedAndOsloContextReadsIt() {
    RequestContext ctx = RequestContext.builder()
        .requestId("req-0b7a5c3e").userId("u-123").projectId("p-456").roles(List.of("admin", "member")).admin(true)
        // oslo.context's to_dict()/from_dict() name the user "user"; services that rebuild the
        // context with RequestContext.from_dict read only that key (see the README)
        .put("user", "u-123")
        .put("custom_key", Map.of("nested", List.of(1, "x")))
        .put("custom_null", null)
        .put("unicode", "h\u00e9llo \u2603")
        .build();
    JsonNode seen = client.call(ctx, "context", Map.of(), JsonNode.class);
    Map<String, Object> expected = new LinkedHashMap<>(ctx.asMap());
    expected.put("client_timeout", null);
    // a Fjord call carries what is left of its deadline (ms); the Python server sees it as one more key
    com.fasterxml.jackson.databind.node.ObjectNode ctxt = seen.get("ctxt").deepCopy();
    JsonNode budget = ctxt.remove("fjord_deadline_ms");
    assertThat(budget).isNotNull();
    assertThat(budget.isIntegralNumber()).as("budget %s", budget).isTrue();
    assertThat(budget.asLong()).isBetween(1L, client.timeout().toMillis());
    assertThat(ctxt).isEqualTo(Payloads.normalize(expected));
    assertThat(seen.get("oslo_context")).isEqualTo(Payloads.parse("""
        {"request_id": "req-0b7a5c3e", "user_id": "u-123", "project_id": "p-456", "roles": ["admin", "member"],
         "is_admin": true}"""));
  }

  @Test
  void osloContextFromDictDoesNotReadUserId() {
    // pins the documented difference: "user_id" alone round-trips as a key, but oslo.context's
    // from_dict() leaves user_id unset; "project_id" is read under that name
    JsonNode seen = client.call(RequestContext.builder().userId("u-123").projectId("p-456").build(), "context",
        Map.of(), JsonNode.class);
    assertThat(seen.path("ctxt").path("user_id").asText()).isEqualTo("u-123");
    assertThat(seen.path("oslo_context").path("user_id").isNull()).isTrue();
    assertThat(seen.path("oslo_context").path("project_id").asText()).isEqualTo("p-456");
  }

  @Test
  void payloadValuesRoundTripWithTheirJsonTypes() {
    Object value = OsloPeer.JSON.convertValue(Payloads.value(), Object.class); // Maps, Lists, Integer/Long/BigInteger, Double
    JsonNode echoed = call(client, "echo", Map.of("value", value));
    assertThat(Payloads.normalize(echoed.get("you_sent"))).isEqualTo(Payloads.value());
    JsonNode types = echoed.get("types");
    assertThat(types.path("int").asText()).isEqualTo("int");
    assertThat(types.path("beyond_long").asText()).isEqualTo("int");
    assertThat(types.path("huge").asText()).isEqualTo("int");
    assertThat(types.path("float").asText()).isEqualTo("float");
    assertThat(types.path("null").asText()).isEqualTo("NoneType");
    assertThat(types.path("true").asText()).isEqualTo("bool");
    assertThat(types.path("unicode").asText()).isEqualTo("str");
    assertThat(echoed.path("you_sent").path("unicode").asText()).isEqualTo("h\u00e9llo \u2603 \ud83d\ude00 \u4e2d\u6587");
  }

  @Test
  void nonFiniteFloatsRoundTripAsPythonFloats() {
    JsonNode echoed = call(client, "echo",
        Map.of("value", List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
    assertThat(echoed.get("types")).isEqualTo(Payloads.parse("[\"float\", \"float\", \"float\"]"));
    assertThat(echoed.get("you_sent").get(0).doubleValue()).isNaN();
    assertThat(echoed.get("you_sent").get(1).doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(echoed.get("you_sent").get(2).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void datetimesTravelInOslosFormat() {
    String when = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6_000).format(JavaEndpoints.OSLO_DATETIME);
    assertThat(when).isEqualTo(Payloads.DATETIME);
    // oslo_utils.timeutils.parse_strtime reads it, as OpenStack code does
    assertThat(call(client, "parse_datetime", Map.of("value", when))).isEqualTo(Payloads.parse("""
        {"year": 2024, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5, "microsecond": 6}"""));
    // a datetime.datetime in an oslo result arrives as oslo's string
    String sent = call(client, "send_datetime", Map.of()).path("when").asText();
    assertThat(LocalDateTime.parse(sent, JavaEndpoints.OSLO_DATETIME)).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6_000));
  }
}
