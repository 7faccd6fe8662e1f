package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.fjord.rpc.ReplyPathLostException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The reply queue vanishing under a waiting call (deleted by an operator or a policy). Only a
 * non-exclusive reply queue (oslo's {@code rabbit_transient_quorum_queue}) can be deleted by another
 * connection; an exclusive one vanishes only with its connection (see the recovery tests).
 */
class AmqpReplyQueueIT {

  /** Blocks until released. */
  public static final class Blocking {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    public String hold() throws InterruptedException {
      started.countDown();
      release.await(20, TimeUnit.SECONDS);
      return "released";
    }

    public String ping() {
      return "pong";
    }
  }

  @Test
  void deletedReplyQueueFailsTheWaitingCallAtOnceAndIsDeclaredAgain() throws Exception {
    String exchange = TestBroker.name("rq_x");
    String topic = TestBroker.name("rq_t");
    Blocking endpoint = new Blocking();
    try (Connection raw = TestBroker.rawConnection();
         Transport transport = Transport.open(TransportUrl.parse(TestBroker.url())
                 .withOption("rabbit_transient_quorum_queue", "true"),
             TransportOptions.builder().controlExchange(exchange).build())) {
      try {
        RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(endpoint).build();
        server.start();
        RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(30)).build();
        CompletableFuture<String> call = client.callAsync(null, "hold", Map.of(), String.class);
        assertThat(endpoint.started.await(10, TimeUnit.SECONDS)).isTrue();
        String replyQueue = transport.core().replyQueue();
        long start = System.nanoTime();
        try (Channel ch = raw.createChannel()) {
          ch.queueDelete(replyQueue);
        }
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ReplyPathLostException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
        endpoint.release.countDown();
        // the driver declared the same queue again: new calls get their replies
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!TestBroker.queueExists(raw, replyQueue) && System.nanoTime() - deadline < 0) {
          Thread.sleep(50);
        }
        assertThat(client.call(null, "ping", Map.of(), String.class)).isEqualTo("pong");
        assertThat(transport.core().replyQueue()).isEqualTo(replyQueue);
        server.close();
      } finally {
        TestBroker.delete(raw, new String[] {topic, topic + ".s1", transport.core().replyQueue()},
            new String[] {exchange, topic + "_fanout"});
      }
    }
  }
}
