package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile input: thousands of mangled requests leave a server serving, with no thread or queue left behind. */
@org.junit.jupiter.api.Tag("fault")
class AmqpFuzzIT {

  /** The endpoint under attack. */
  public static final class Calc {
    public int add(int a, int b) {
      return a + b;
    }
  }

  private static final String VALID = "{\"oslo.version\": \"2.0\", \"oslo.message\": \"{\\\"method\\\": \\\"add\\\", "
      + "\\\"args\\\": {\\\"a\\\": 1, \\\"b\\\": 2}, \\\"_msg_id\\\": \\\"m\\\", \\\"_reply_q\\\": \\\"reply_fuzz\\\", "
      + "\\\"_timeout\\\": null, \\\"_unique_id\\\": \\\"u\\\"}\"}";

  private static byte[] mangle(Random r, int i) {
    byte[] b = VALID.getBytes(StandardCharsets.UTF_8);
    switch (i % 6) {
      case 0 -> { // flip bytes
        for (int k = 0; k < 1 + r.nextInt(8); k++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
      }
      case 1 -> { // truncate
        return java.util.Arrays.copyOf(b, r.nextInt(b.length));
      }
      case 2 -> { // random bytes
        byte[] x = new byte[r.nextInt(200)];
        r.nextBytes(x);
        return x;
      }
      case 3 -> { // Java serialization magic and a class name: never instantiated
        return ("\u00ac\u00ed\u0000\u0005sr\u0000\u0013java.util.ArrayList" + r.nextInt()).getBytes(StandardCharsets.ISO_8859_1);
      }
      case 4 -> { // wrong JSON types where objects are expected
        String[] bodies = {"[]", "null", "42", "\"str\"", "{\"oslo.version\": \"2.0\", \"oslo.message\": \"[1]\"}",
            "{\"oslo.version\": 2, \"oslo.message\": {}}", "{\"method\": {\"@class\": \"java.lang.ProcessBuilder\"}}"};
        return bodies[r.nextInt(bodies.length)].getBytes(StandardCharsets.UTF_8);
      }
      default -> { // valid shape, hostile values
        return VALID.replace("\\\"add\\\"", "\\\"" + (r.nextBoolean() ? "__class__" : "getClass") + "\\\"")
            .replace("reply_fuzz", "reply_fuzz_" + r.nextInt(3)).getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  private static long serverThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("fjord-rpc-")).count();
  }

  private static long otherThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith("fjord-rpc-")).count();
  }

  @Test
  void tenThousandMangledRequestsLeaveTheServerServing() throws Exception {
    String exchange = TestBroker.name("fuzz_x");
    String topic = TestBroker.name("fuzz_t");
    try (Connection raw = TestBroker.rawConnection(); Channel ch = raw.createChannel();
         Transport transport = Transport.open(TransportUrl.parse(TestBroker.url()),
             TransportOptions.builder().controlExchange(exchange).build())) {
      try {
        RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new Calc()).build();
        server.start();
        RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();
        assertThat(client.call(RequestContext.empty(), "add", Map.of("a", 1, "b", 1), Integer.class)).isEqualTo(2);
        long otherThreadsBefore = otherThreads();

        Random random = new Random(42);
        com.rabbitmq.client.AMQP.BasicProperties props = Publishing.PROPERTIES;
        for (int i = 0; i < 10_000; i++) {
          ch.basicPublish(exchange, topic, props, mangle(random, i));
        }
        // published after the fuzz on the same queue: answered once the fuzz is consumed
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ch.queueDeclarePassive(topic).getMessageCount() > 0 && System.nanoTime() - deadline < 0) {
          Thread.sleep(50);
        }
        assertThat(client.call(RequestContext.empty(), "add", Map.of("a", 40, "b", 2), Integer.class)).isEqualTo(42);
        assertThat(ch.queueDeclarePassive(topic).getMessageCount()).as("nothing requeued in a loop").isZero();
        // the server's pool grows with the load up to its 64 threads; nothing else may grow
        assertThat(serverThreads()).isLessThanOrEqualTo(64);
        long otherThreadsAfter = otherThreads();
        assertThat(otherThreadsAfter).as("other threads before %d, after %d", otherThreadsBefore, otherThreadsAfter)
            .isLessThanOrEqualTo(otherThreadsBefore + 2);
        server.close();
      } finally {
        TestBroker.delete(raw, new String[] {topic, topic + ".s1"}, new String[] {exchange, topic + "_fanout"});
      }
    }
  }
}
