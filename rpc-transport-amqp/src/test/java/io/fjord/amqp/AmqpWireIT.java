package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Fjord puts on a real broker, compared byte for byte with oslo.messaging's captures
 * (docs/wire-format.md §8): a spy queue catches Fjord's requests; a raw amqp-client peer plays the oslo client
 * or server on the other side.
 */
class AmqpWireIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Connection raw;
  private Channel ch;
  private Transport transport;
  private final List<RpcServer> servers = new ArrayList<>();
  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();
  private String exchange;
  private String topic;

  @BeforeEach
  void setUp() throws Exception {
    raw = TestBroker.rawConnection();
    ch = raw.createChannel();
    exchange = TestBroker.name("wire_x");
    topic = TestBroker.name("wire_t");
    exchanges.add(exchange);
    exchanges.add(topic + "_fanout");
    transport = Transport.open(TransportUrl.parse(TestBroker.url()),
        TransportOptions.builder().controlExchange(exchange).build());
  }

  @AfterEach
  void tearDown() throws Exception {
    servers.forEach(RpcServer::close);
    transport.close();
    queues.add(topic);
    queues.add(topic + ".s1");
    TestBroker.delete(raw, queues.toArray(new String[0]), exchanges.toArray(new String[0]));
    raw.close();
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = AmqpWireIT.class.getResourceAsStream("/wire/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String spy(String source, String type, boolean autoDelete, String key) throws Exception {
    ch.exchangeDeclare(source, type, false, autoDelete, Map.of());
    String q = TestBroker.name("wire_spy");
    queues.add(q);
    ch.queueDeclare(q, false, false, true, Map.of());
    ch.queueBind(q, source, key);
    return q;
  }

  private GetResponse next(String queue) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() - deadline < 0) {
      GetResponse r = ch.basicGet(queue, true);
      if (r != null) {
        return r;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("nothing arrived on " + queue + " within 10 s");
  }

  private static JsonNode inner(byte[] body) throws Exception {
    return JSON.readTree(JSON.readTree(body).get("oslo.message").asText());
  }

  private static void assertOsloProperties(AMQP.BasicProperties p, String expiration) {
    assertThat(p.getContentType()).isEqualTo("application/json");
    assertThat(p.getContentEncoding()).isEqualTo("utf-8");
    assertThat(p.getHeaders()).isEmpty();
    assertThat(p.getHeaders()).isNotNull();
    assertThat(p.getDeliveryMode()).isEqualTo(2);
    assertThat(p.getPriority()).isEqualTo(0);
    assertThat(p.getExpiration()).isEqualTo(expiration);
    assertThat(p.getCorrelationId()).isNull();
    assertThat(p.getReplyTo()).isNull();
    assertThat(p.getMessageId()).isNull();
    assertThat(p.getTimestamp()).isNull();
    assertThat(p.getType()).isNull();
    assertThat(p.getUserId()).isNull();
    assertThat(p.getAppId()).isNull();
  }

  private static RequestContext specContext() {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("user_id", "u-123");
    ctx.put("project_id", "p-456");
    ctx.put("request_id", "req-abc");
    ctx.put("roles", List.of("admin", "member"));
    ctx.put("is_admin", true);
    ctx.put("custom_key", Map.of("nested", 1));
    return RequestContext.of(ctx);
  }

  @Test
  void callRequestIsByteIdenticalToOslosAndTheReplyCompletesTheCall() throws Exception {
    String q = spy(exchange, "topic", false, topic);
    // a client out of deadline propagation sends oslo's bytes exactly (by default a call adds one context key)
    RpcClient client = RpcClient.builder(transport, Target.topic(topic).withNamespace("spec_ns").withVersion("1.2"))
        .timeout(Duration.ofSeconds(10)).propagateDeadline(false).build();
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("list", List.of(1, 2.5, "x"));
    value.put("unicode", "h\u00e9llo \u2603");
    value.put("none", null);
    CompletableFuture<Integer> call = client.callAsync(specContext(), "echo", Map.of("value", value), Integer.class);

    GetResponse r = next(q);
    assertThat(r.getEnvelope().getExchange()).isEqualTo(exchange);
    assertThat(r.getEnvelope().getRoutingKey()).isEqualTo(topic);
    assertOsloProperties(r.getProps(), "10000");
    JsonNode m = inner(r.getBody());
    String expected = resource("call_request")
        .replace("3b02e33bce504d1bb93d26faa0d53c19", m.get("_msg_id").asText())
        .replace("reply_bdc6f948602940dfb441ebec7e514f16", m.get("_reply_q").asText())
        .replace("1ce22ed52e414a73a59e250374172b9f", m.get("_unique_id").asText());
    assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(m.get("_msg_id").asText()).matches("[0-9a-f]{32}");
    assertThat(m.get("_reply_q").asText()).matches("reply_[0-9a-f]{32}");

    // play the oslo server: the captured reply (result 7) sent to the reply queue completes the call
    String reply = resource("reply_server").replace("ca335ee483bf4d2bbfdc0dcda0707f9c", m.get("_msg_id").asText());
    ch.basicPublish("", m.get("_reply_q").asText(), true, Publishing.PROPERTIES, reply.getBytes(StandardCharsets.UTF_8));
    assertThat(call.get()).isEqualTo(7);

    // with deadline propagation (the default) the same call differs by exactly one last context field: the
    // milliseconds left of its deadline (docs/wire-format.md §3.3)
    RpcClient propagating = RpcClient.builder(transport, Target.topic(topic).withNamespace("spec_ns")
        .withVersion("1.2")).timeout(Duration.ofSeconds(10)).build();
    CompletableFuture<Integer> second = propagating.callAsync(specContext(), "echo", Map.of("value", value),
        Integer.class);
    GetResponse r2 = next(q);
    JsonNode m2 = inner(r2.getBody());
    long budget = m2.get("_context_fjord_deadline_ms").asLong();
    assertThat(budget).isBetween(1L, 10_000L);
    String plain = resource("call_request")
        .replace("3b02e33bce504d1bb93d26faa0d53c19", m2.get("_msg_id").asText())
        .replace("reply_bdc6f948602940dfb441ebec7e514f16", m2.get("_reply_q").asText())
        .replace("1ce22ed52e414a73a59e250374172b9f", m2.get("_unique_id").asText());
    assertThat(plain).endsWith("}\"}");
    assertThat(new String(r2.getBody(), StandardCharsets.UTF_8)).isEqualTo(plain.substring(0, plain.length() - 3)
        + ", \\\"_context_fjord_deadline_ms\\\": " + budget + "}\"}");
    String reply2 = resource("reply_server").replace("ca335ee483bf4d2bbfdc0dcda0707f9c", m2.get("_msg_id").asText());
    ch.basicPublish("", m2.get("_reply_q").asText(), true, Publishing.PROPERTIES,
        reply2.getBytes(StandardCharsets.UTF_8));
    assertThat(second.get()).isEqualTo(7);
  }

  @Test
  void castAndFanoutCastAreByteIdenticalToOslos() throws Exception {
    String q = spy(exchange, "topic", false, topic);
    String fq = spy(topic + "_fanout", "fanout", true, topic);
    RpcClient client = RpcClient.create(transport, Target.topic(topic).withNamespace("spec_ns").withVersion("1.2"));
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("a", 1);
    args.put("b", 2);
    client.cast(specContext(), "add", args);
    GetResponse r = next(q);
    assertOsloProperties(r.getProps(), null);
    JsonNode m = inner(r.getBody());
    assertThat(m.has("_msg_id")).isFalse();
    assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo(
        resource("cast").replace("b847dd44b4a34102b017b82148c21092", m.get("_unique_id").asText()));

    args.put("a", 10);
    args.put("b", 20);
    client.prepare(null, true).cast(specContext(), "add", args);
    GetResponse f = next(fq);
    assertThat(f.getEnvelope().getExchange()).isEqualTo(topic + "_fanout");
    assertThat(f.getEnvelope().getRoutingKey()).isEmpty();
    assertOsloProperties(f.getProps(), null);
    assertThat(new String(f.getBody(), StandardCharsets.UTF_8)).isEqualTo(
        resource("fanout_cast").replace("385ef3272bd449439f12c593715f3518", inner(f.getBody()).get("_unique_id").asText()));
  }

  @Test
  void aPriorityCallAndCastCarryTheAmqpPriorityAndOtherwiseOslosProperties() throws Exception {
    String q = spy(exchange, "topic", false, topic);
    RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).priority(7)
        .build();

    client.cast(RequestContext.empty(), "add", Map.of("a", 1));
    AMQP.BasicProperties cast = next(q).getProps();
    assertThat(cast.getPriority()).isEqualTo(7);
    assertOsloProperties(cast.builder().priority(0).build(), null);

    CompletableFuture<Integer> call = client.prepare(io.fjord.rpc.client.CallOptions.builder().priority(9).build())
        .callAsync(RequestContext.empty(), "add", Map.of("a", 1), Integer.class);
    AMQP.BasicProperties request = next(q).getProps();
    assertThat(request.getPriority()).isEqualTo(9);
    assertOsloProperties(request.builder().priority(0).build(), "10000");
    call.cancel(false);
  }

  /** A server endpoint for the raw-client tests. */
  @RpcEndpoint(namespace = "spec_ns", version = "1.3")
  public static final class SpecEndpoint {
    public int add(int a, int b) {
      return a + b;
    }

    public String slow(double seconds) throws InterruptedException {
      Thread.sleep((long) (seconds * 1000));
      return "slept " + seconds;
    }

    public void boom(String msg) {
      throw new IllegalArgumentException(msg);
    }
  }

  private String startServerAndReplyQueue() throws Exception {
    RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new SpecEndpoint()).build();
    server.start();
    servers.add(server);
    String replyQ = TestBroker.name("reply_raw");
    queues.add(replyQ);
    ch.queueDeclare(replyQ, false, true, true, Map.of());
    return replyQ;
  }

  private void rawCall(String routingKey, String method, String args, String msgId, String replyQ, String timeout)
      throws Exception {
    String innerJson = "{\"method\": \"" + method + "\", \"args\": " + args + ", \"namespace\": \"spec_ns\", \"version\": \"1.2\", "
        + "\"_msg_id\": \"" + msgId + "\", \"_reply_q\": \"" + replyQ + "\", \"_timeout\": " + timeout
        + ", \"_unique_id\": \"" + TestBroker.name("u") + "\"}";
    String body = "{\"oslo.version\": \"2.0\", \"oslo.message\": " + JSON.writeValueAsString(innerJson) + "}";
    ch.basicPublish(exchange, routingKey, false, Publishing.PROPERTIES.builder().expiration("10000").build(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fjordServerRepliesAsAnOsloServerDoes() throws Exception {
    String replyQ = startServerAndReplyQueue();
    rawCall(topic + ".s1", "add", "{\"a\": 3, \"b\": 4}", "ca335ee483bf4d2bbfdc0dcda0707f9c", replyQ, "null");
    GetResponse r = next(replyQ);
    assertThat(r.getEnvelope().getExchange()).isEmpty();
    assertThat(r.getEnvelope().getRoutingKey()).isEqualTo(replyQ);
    assertOsloProperties(r.getProps(), null);
    JsonNode m = inner(r.getBody());
    assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo(
        resource("reply_server").replace("8e7882d4c89c4d13a63567e48f1ceb35", m.get("_unique_id").asText()));
  }

  @Test
  void failuresTravelAsOsloFailureDocuments() throws Exception {
    String replyQ = startServerAndReplyQueue();
    rawCall(topic, "boom", "{\"msg\": \"bad value!\"}", "m1", replyQ, "null");
    JsonNode failure = JSON.readTree(inner(next(replyQ).getBody()).get("failure").asText());
    assertThat(failure.get("class").asText()).isEqualTo("IllegalArgumentException");
    assertThat(failure.get("module").asText()).isEqualTo("java.lang");
    assertThat(failure.get("message").asText()).isEqualTo("bad value!");
    assertThat(failure.get("args").toString()).isEqualTo("[\"bad value!\"]");
    assertThat(failure.get("kwargs").toString()).isEqualTo("{}");
    assertThat(failure.get("tb").size()).isGreaterThan(1);
    failure.get("tb").forEach(line -> assertThat(line.asText()).endsWith("\n"));

    rawCall(topic, "no_such_method", "{}", "m2", replyQ, "null");
    JsonNode reply = inner(next(replyQ).getBody());
    assertThat(reply.get("ending").asBoolean()).isTrue();
    assertThat(reply.get("result").isNull()).isTrue();
    JsonNode nsm = JSON.readTree(reply.get("failure").asText());
    assertThat(nsm.get("class").asText()).isEqualTo("NoSuchMethod");
    assertThat(nsm.get("module").asText()).isEqualTo("oslo_messaging.rpc.dispatcher");
    assertThat(nsm.get("message").asText()).isEqualTo("Endpoint does not support RPC method no_such_method");
  }

  @Test
  void callMonitorHeartbeatsMatchOslosAndStopWithTheReply() throws Exception {
    String replyQ = startServerAndReplyQueue();
    long start = System.nanoTime();
    rawCall(topic, "slow", "{\"seconds\": 3.3}", "84178cd01ec94bdabfddf51236eb0755", replyQ, "2");
    List<Long> heartbeats = new ArrayList<>();
    JsonNode last;
    while (true) {
      GetResponse r = next(replyQ);
      last = inner(r.getBody());
      if (last.get("ending").asBoolean()) {
        break;
      }
      heartbeats.add((System.nanoTime() - start) / 1_000_000);
      assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo(
          resource("heartbeat").replace("ae3bb8419bbd44b5b212269c44d8c6ac", last.get("_unique_id").asText()));
    }
    assertThat(last.get("result").asText()).isEqualTo("slept 3.3");
    // every int(2)/2 = 1 s while the method runs: three heartbeats in 3.3 s
    assertThat(heartbeats).hasSize(3);
    assertThat(heartbeats.get(0)).isBetween(700L, 1800L);

    // and none after the reply: the queue stays empty for well over one interval
    rawCall(topic, "add", "{\"a\": 1, \"b\": 1}", "m3", replyQ, "2");
    assertThat(inner(next(replyQ).getBody()).get("result").asInt()).isEqualTo(2);
    long quietUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    while (System.nanoTime() - quietUntil < 0) {
      assertThat(ch.basicGet(replyQ, true)).isNull();
      Thread.sleep(100);
    }
  }
}
