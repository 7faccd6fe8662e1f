package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input reaching a server from a raw peer: each case is answered with a typed failure when it
 * carries a reply address, or rejected without requeue when it cannot be decoded; never requeued in
 * a loop; and the server keeps serving.
 */
class AmqpMalformedInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The endpoint under attack. */
  public static final class Calc {
    public int add(int a, int b) {
      return a + b;
    }
  }

  private Connection raw;
  private Channel ch;
  private Transport transport;
  private RpcServer server;
  private RpcClient client;
  private String exchange;
  private String topic;
  private String replyQ;

  @BeforeEach
  void setUp() throws Exception {
    raw = TestBroker.rawConnection();
    ch = raw.createChannel();
    exchange = TestBroker.name("bad_x");
    topic = TestBroker.name("bad_t");
    transport = Transport.open(TransportUrl.parse(TestBroker.url()),
        TransportOptions.builder().controlExchange(exchange).build());
    server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new Calc())
        .maxMessageSize(2048).build();
    server.start();
    client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(5)).build();
    replyQ = TestBroker.name("reply_bad");
    ch.queueDeclare(replyQ, false, true, true, Map.of());
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    transport.close();
    TestBroker.delete(raw, new String[] {topic, topic + ".s1", replyQ}, new String[] {exchange, topic + "_fanout"});
    raw.close();
  }

  private void publish(String body, AMQP.BasicProperties props) throws Exception {
    ch.basicPublish(exchange, topic, false, props, body.getBytes(StandardCharsets.UTF_8));
  }

  private static String envelope(String inner) throws Exception {
    return "{\"oslo.version\": \"2.0\", \"oslo.message\": " + JSON.writeValueAsString(inner) + "}";
  }

  private String request(String method, String args, String extra) {
    return "{\"method\": " + method + ", \"args\": " + args + ", \"_msg_id\": \"m1\", \"_reply_q\": \"" + replyQ
        + "\", \"_timeout\": null, \"_unique_id\": \"" + TestBroker.name("u") + "\"" + extra + "}";
  }

  private JsonNode failure() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() - deadline < 0) {
      GetResponse r = ch.basicGet(replyQ, true);
      if (r != null) {
        JsonNode reply = JSON.readTree(JSON.readTree(r.getBody()).get("oslo.message").asText());
        assertThat(reply.get("ending").asBoolean()).isTrue();
        return JSON.readTree(reply.get("failure").asText());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no failure reply within 10 s");
  }

  private void assertStillServingAndQueueDrained() throws Exception {
    assertThat(client.call(null, "add", Map.of("a", 2, "b", 3), Integer.class)).isEqualTo(5);
    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(topic);
    assertThat(ok.getMessageCount()).as("nothing requeued on %s", topic).isZero();
    assertThat(ok.getConsumerCount()).isEqualTo(1);
  }

  @Test
  void undecodableBodiesAreRejectedAndTheServerKeepsServing() throws Exception {
    publish("this is not json", Publishing.PROPERTIES);
    publish("{\"oslo.version\": \"3.0\", \"oslo.message\": \"{}\"}", Publishing.PROPERTIES);
    publish("{\"oslo.version\": \"2.0\", \"oslo.message\": {\"method\": \"add\"}}", Publishing.PROPERTIES);
    publish(envelope(request("\"add\"", "{\"a\": 1, \"b\": 2}", "")), new AMQP.BasicProperties.Builder().build());
    assertStillServingAndQueueDrained();
    // none of them produced a reply: no reply address could be trusted, or no content type
    assertThat(ch.basicGet(replyQ, true)).isNull();
  }

  @Test
  void unknownMethodGetsNoSuchMethod() throws Exception {
    publish(envelope(request("\"nope\"", "{}", "")), Publishing.PROPERTIES);
    JsonNode f = failure();
    assertThat(f.get("class").asText()).isEqualTo("NoSuchMethod");
    assertThat(f.get("message").asText()).isEqualTo("Endpoint does not support RPC method nope");
    assertStillServingAndQueueDrained();
  }

  @Test
  void missingMethodWrongArgumentsAndWrongTypesGetTypeError() throws Exception {
    publish(envelope(request("null", "{}", "")), Publishing.PROPERTIES);
    assertThat(failure().get("class").asText()).isEqualTo("TypeError");
    publish(envelope(request("\"add\"", "[1, 2]", "")), Publishing.PROPERTIES);
    JsonNode list = failure();
    assertThat(list.get("module").asText()).isEqualTo("builtins");
    assertThat(list.get("message").asText()).contains("keyword arguments only");
    publish(envelope(request("\"add\"", "{\"a\": 1, \"c\": 2}", "")), Publishing.PROPERTIES);
    assertThat(failure().get("message").asText()).isEqualTo("Calc.add() got an unexpected keyword argument 'c'");
    publish(envelope(request("\"add\"", "{\"a\": 1}", "")), Publishing.PROPERTIES);
    assertThat(failure().get("message").asText()).isEqualTo("Calc.add() missing required keyword argument 'b'");
    publish(envelope(request("\"add\"", "{\"a\": \"one\", \"b\": 2}", "")), Publishing.PROPERTIES);
    assertThat(failure().get("message").asText()).startsWith("Calc.add() argument 'a' cannot be converted to int");
    assertStillServingAndQueueDrained();
  }

  @Test
  void oversizedRequestGetsMessageTooLarge() throws Exception {
    String big = "x".repeat(4096);
    publish(envelope(request("\"add\"", "{\"a\": \"" + big + "\", \"b\": 2}", "")), Publishing.PROPERTIES);
    JsonNode f = failure();
    assertThat(f.get("class").asText()).isEqualTo("MessageTooLargeException");
    assertThat(f.get("module").asText()).isEqualTo("io.fjord.rpc");
    assertThat(f.get("message").asText()).contains("above the server's maximum of 2048");
    assertStillServingAndQueueDrained();
  }

  @Test
  void duplicateUniqueIdIsDroppedWithoutReply() throws Exception {
    String req = "{\"method\": \"add\", \"args\": {\"a\": 1, \"b\": 1}, \"_msg_id\": \"dup\", \"_reply_q\": \"" + replyQ
        + "\", \"_timeout\": null, \"_unique_id\": \"same-unique-id\"}";
    publish(envelope(req), Publishing.PROPERTIES);
    publish(envelope(req), Publishing.PROPERTIES);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    GetResponse first;
    while ((first = ch.basicGet(replyQ, true)) == null && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    assertThat(first).as("the first copy is answered").isNotNull();
    // requests published after the duplicate have been served: the duplicate was processed by then
    for (int i = 0; i < 3; i++) {
      assertStillServingAndQueueDrained();
    }
    assertThat(ch.basicGet(replyQ, true)).as("the second copy is dropped silently").isNull();
  }

  @Test
  void replyToAQueueThatAppearsLaterIsRetriedUntilItArrives() throws Exception {
    String late = TestBroker.name("reply_late");
    String req = "{\"method\": \"add\", \"args\": {\"a\": 20, \"b\": 22}, \"_msg_id\": \"late\", \"_reply_q\": \"" + late
        + "\", \"_timeout\": null, \"_unique_id\": \"" + TestBroker.name("u") + "\"}";
    publish(envelope(req), Publishing.PROPERTIES);
    // the server's reply is returned unroutable until the caller (re)declares its queue
    assertStillServingAndQueueDrained();
    try {
      ch.queueDeclare(late, false, false, true, Map.of());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      GetResponse r;
      while ((r = ch.basicGet(late, true)) == null && System.nanoTime() - deadline < 0) {
        Thread.sleep(20);
      }
      assertThat(r).as("the reply arrived once the queue existed").isNotNull();
      JsonNode reply = JSON.readTree(JSON.readTree(r.getBody()).get("oslo.message").asText());
      assertThat(reply.get("result").asInt()).isEqualTo(42);
    } finally {
      ch.queueDelete(late);
    }
  }

  @Test
  void aReplyAddressNamingAnotherServicesQueueGetsNothingPublishedIntoIt() throws Exception {
    String victim = TestBroker.name("victim_work_queue");
    ch.queueDeclare(victim, false, false, true, Map.of());
    try {
      String req = "{\"method\": \"add\", \"args\": {\"a\": 1, \"b\": 1}, \"_msg_id\": \"evil\", \"_reply_q\": \""
          + victim + "\", \"_timeout\": 2, \"_unique_id\": \"" + TestBroker.name("u") + "\"}";
      publish(envelope(req), Publishing.PROPERTIES);
      assertStillServingAndQueueDrained();
      assertThat(ch.queueDeclarePassive(victim).getMessageCount()).isZero();
    } finally {
      ch.queueDelete(victim);
    }
  }
}
