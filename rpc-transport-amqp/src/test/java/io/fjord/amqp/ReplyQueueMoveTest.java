package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.spi.IncomingMessage;
import io.fjord.rpc.spi.ReplyHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A reply queue the broker will not deliver from again (RabbitMQ 4.0.5 was seen to leave a quorum
 * queue declared seconds before a crash so) is given up after three failed subscriptions: the
 * transport consumes a new one, tells the handler, and fails calls waiting on the old one.
 */
class ReplyQueueMoveTest {

  @Test
  void aReplyQueueThatCannotBeConsumedAgainIsReplacedAndTheHandlerTold() throws Exception {
    FakeBroker broker = new FakeBroker("4.0.5", true);
    CompletableFuture<String> moved = new CompletableFuture<>();
    AtomicInteger lost = new AtomicInteger();
    AmqpDriver t = broker.open("rabbit_transient_quorum_queue=true&kombu_reconnect_delay=0&recovery_interval=0.05");
    try {
      String first = t.openReplyQueue(new ReplyHandler() {
        @Override
        public void onReply(IncomingMessage message) {
        }

        @Override
        public void onReplyPathLost(Throwable cause) {
          lost.incrementAndGet();
        }

        @Override
        public void onReplyQueueMoved(String queue) {
          moved.complete(queue);
        }
      });
      assertThat(broker.consumed(first)).isTrue();

      broker.breakQueue(first);

      String second = moved.get(10, TimeUnit.SECONDS);
      assertThat(second).startsWith("reply_").isNotEqualTo(first);
      assertThat(broker.consumed(second)).as("consuming the new reply queue").isTrue();
      assertThat(lost.get()).as("calls on the old queue failed once per failed attempt").isGreaterThanOrEqualTo(3);
      // the old queue was Fjord's own (random name): deleted
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (broker.calls("queueDelete").stream().noneMatch(c -> c.arg(0).equals(first))
          && System.nanoTime() - deadline < 0) {
        Thread.sleep(10); // polling the recorded calls, bounded by the deadline
      }
      assertThat(broker.calls("queueDelete")).anyMatch(c -> c.arg(0).equals(first));
    } finally {
      t.close();
    }
  }
}
