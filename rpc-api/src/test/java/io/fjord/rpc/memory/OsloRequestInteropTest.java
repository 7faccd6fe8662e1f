package io.fjord.rpc.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.WireJson;
import io.fjord.rpc.wire.WireReply;
import io.fjord.rpc.wire.WireRequest;
import io.fjord.rpc.server.RpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Fjord server fed the exact bytes an oslo client published (docs/wire-format.md §8) answers with the
 * bytes an oslo server sent, except for the random {@code _unique_id}.
 */
class OsloRequestInteropTest {
  private static final String REPLY_Q = "reply_bdc6f948602940dfb441ebec7e514f16";

  private final MemoryBroker broker = MemoryBroker.forVirtualHost("/");
  private final BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
  private final String topic = "oslo_" + UUID.randomUUID().toString().replace("-", "");
  private Transport transport;
  private RpcServer server;
  private MemoryBroker.Consumer replyConsumer;

  /** The spec's rpc_server.py endpoint, as a Java endpoint. */
  @RpcEndpoint(namespace = "spec_ns", version = "1.2")
  public static class SpecEndpoint {
    public Map<String, Object> echo(RequestContext context, Object value) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("you_sent", value);
      result.put("server", "spec_server2");
      result.put("ctxt_seen", context.asMap());
      return result;
    }

    public int add(int a, int b) {
      return a + b;
    }
  }

  @BeforeEach
  void start() {
    transport = Transport.open("memory://");
    server = RpcServer.builder(transport, Target.topic(topic).withServer("spec_server2"))
        .endpoint(new SpecEndpoint()).build();
    server.start();
    broker.declareQueue(REPLY_Q);
    replyConsumer = broker.consume(REPLY_Q, m -> {
      m.ack();
      replies.add(m.body());
    });
  }

  @AfterEach
  void stop() {
    replyConsumer.cancel();
    broker.deleteQueue(REPLY_Q);
    server.close();
    transport.close();
  }

  @Test
  void capturedCallGetsTheCapturedReply() throws Exception {
    broker.publish("openstack", topic, capture("step01-call.json"), 0);

    byte[] body = awaitReply();
    assertThat(fieldNames(unwrap(body))).containsExactly("result", "failure", "ending", "_msg_id", "_unique_id");
    WireReply reply = OsloWire.decodeReply(body);
    WireReply captured = OsloWire.decodeReply(capture("step01-reply.json"));
    assertThat(reply.uniqueId()).matches("[0-9a-f]{32}").isNotEqualTo(captured.uniqueId());
    assertThat(new String(OsloWire.encode(withUniqueId(reply, captured.uniqueId())), StandardCharsets.UTF_8))
        .isEqualTo(new String(capture("step01-reply.json"), StandardCharsets.UTF_8));
  }

  @Test
  void capturedCallToServerGetsTheCapturedReply() throws Exception {
    broker.publish("openstack", topic + ".spec_server2", capture("step04-call-server.json"), 0);

    WireReply reply = OsloWire.decodeReply(awaitReply());
    assertThat(new String(OsloWire.encode(withUniqueId(reply, "8e7882d4c89c4d13a63567e48f1ceb35")),
        StandardCharsets.UTF_8)).isEqualTo(new String(capture("step04-reply.json"), StandardCharsets.UTF_8));
  }

  @Test
  void unknownMethodGetsAnOsloShapedNoSuchMethodFailure() throws Exception {
    WireRequest r = OsloWire.decodeRequest(capture("step04-call-server.json"));
    WireRequest request = new WireRequest("no_such_method", r.args(), r.namespace(), r.version(), r.msgId(),
        r.replyQueue(), r.timeout(), UUID.randomUUID().toString().replace("-", ""), r.context());
    broker.publish("openstack", topic, OsloWire.encode(request), 0);

    ObjectNode reply = unwrap(awaitReply());
    assertThat(reply.get("result").isNull()).isTrue();
    assertThat(reply.get("ending").booleanValue()).isTrue();
    assertThat(reply.get("failure").isTextual()).as("failure is a JSON string").isTrue();
    ObjectNode failure = (ObjectNode) WireJson.read(reply.get("failure").textValue());
    assertThat(fieldNames(failure)).containsExactly("class", "module", "message", "tb", "args", "kwargs");
    assertThat(failure.get("class").textValue()).isEqualTo("NoSuchMethod");
    assertThat(failure.get("module").textValue()).isEqualTo("oslo_messaging.rpc.dispatcher");
    assertThat(failure.get("message").textValue()).isEqualTo("Endpoint does not support RPC method no_such_method");
    assertThat(failure.get("args")).isEqualTo(WireJson.read("[\"Endpoint does not support RPC method no_such_method\"]"));
    assertThat(failure.get("kwargs")).isEqualTo(WireJson.object());
  }

  private byte[] awaitReply() throws InterruptedException {
    byte[] body = replies.poll(10, TimeUnit.SECONDS);
    assertThat(body).as("a reply on %s", REPLY_Q).isNotNull();
    return body;
  }

  private static WireReply withUniqueId(WireReply r, String uniqueId) {
    return new WireReply(r.result(), r.failure(), r.ending(), r.msgId(), uniqueId);
  }

  /** The message inside a 2.0 envelope, as a tree (to check field order). */
  private static ObjectNode unwrap(byte[] body) {
    return (ObjectNode) WireJson.read(WireJson.read(body).get("oslo.message").textValue());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static byte[] capture(String name) throws IOException {
    try (InputStream in = OsloRequestInteropTest.class.getResourceAsStream("/io/fjord/rpc/wire/captures/" + name)) {
      assertThat(in).as("capture %s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
