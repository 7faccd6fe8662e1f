package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A 20 MB request to a server limited to 16 MiB messages and a 256 MiB heap: refused, no OOM, still serving. */
@org.junit.jupiter.api.Tag("fault")
class AmqpLargeMessageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aTwentyMegabyteRequestIsRefusedWithoutExhaustingASmallHeap() throws Exception {
    String exchange = TestBroker.name("big_x");
    String topic = TestBroker.name("big_t");
    String replyQ = TestBroker.name("reply_big");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp",
        System.getProperty("java.class.path"), ServerProcess.class.getName(), TestBroker.url(), exchange, topic)
        .redirectErrorStream(true).start();
    try (Connection raw = TestBroker.rawConnection(); Channel ch = raw.createChannel()) {
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
          // startup logs
        }
        assertThat(line).as("server process started").isEqualTo("ready");
        Thread drain = new Thread(() -> {
          try {
            String l;
            while ((l = out.readLine()) != null) {
              System.out.println("[server] " + l);
            }
          } catch (Exception ignored) {
            // process gone
          }
        });
        drain.setDaemon(true);
        drain.start();

        ch.queueDeclare(replyQ, false, false, true, Map.of());
        String inner = "{\"method\": \"size\", \"args\": {\"data\": \"" + "x".repeat(20 * 1024 * 1024)
            + "\"}, \"_msg_id\": \"big\", \"_reply_q\": \"" + replyQ + "\", \"_timeout\": null, \"_unique_id\": \"u-big\"}";
        byte[] body = ("{\"oslo.version\": \"2.0\", \"oslo.message\": " + JSON.writeValueAsString(inner) + "}")
            .getBytes(StandardCharsets.UTF_8);
        ch.basicPublish(exchange, topic, Publishing.PROPERTIES, body);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        GetResponse r = null;
        while (r == null && System.nanoTime() - deadline < 0) {
          r = ch.basicGet(replyQ, true);
          if (r == null) {
            Thread.sleep(50);
          }
        }
        assertThat(r).as("a failure reply").isNotNull();
        JsonNode reply = JSON.readTree(JSON.readTree(r.getBody()).get("oslo.message").asText());
        JsonNode failure = JSON.readTree(reply.get("failure").asText());
        assertThat(failure.get("class").asText()).isEqualTo("MessageTooLargeException");
        assertThat(server.isAlive()).as("no OutOfMemoryError in a 256 MiB heap").isTrue();

        try (Transport t = Transport.open(TransportUrl.parse(TestBroker.url()),
            TransportOptions.builder().controlExchange(exchange).build())) {
          int n = RpcClient.builder(t, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build()
              .call(RequestContext.empty(), "size", Map.of("data", "still here"), Integer.class);
          assertThat(n).isEqualTo(10);
        }
      } finally {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        TestBroker.delete(raw, new String[] {topic, topic + ".s1", replyQ}, new String[] {exchange, topic + "_fanout"});
      }
    }
  }
}
