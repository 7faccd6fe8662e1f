package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acks against a channel that settles deliveries as RabbitMQ does: a multiple ack takes every
 * unacknowledged tag up to and including its own, which must itself be unacknowledged, and an
 * unknown tag is a channel error.
 */
class AcksTest {

  /** RabbitMQ's bookkeeping of one channel's unacknowledged deliveries. */
  static final class Broker {
    final TreeMap<Long, String> unacked = new TreeMap<>();
    final Map<Long, String> settled = new TreeMap<>();
    final List<String> frames = new ArrayList<>();
    String channelError;

    synchronized void deliver(long tag) {
      unacked.put(tag, "unacked");
    }

    synchronized void ack(long tag, boolean multiple) {
      frames.add("ack " + tag + (multiple ? " multiple" : ""));
      if (!unacked.containsKey(tag)) {
        channelError = "PRECONDITION_FAILED - unknown delivery tag " + tag;
        return;
      }
      for (Long t : new ArrayList<>(multiple ? unacked.headMap(tag, true).keySet() : List.of(tag))) {
        unacked.remove(t);
        settled.put(t, "ack");
      }
    }

    synchronized void reject(long tag, boolean requeue) {
      frames.add("reject " + tag + (requeue ? " requeue" : ""));
      if (unacked.remove(tag) == null) {
        channelError = "PRECONDITION_FAILED - unknown delivery tag " + tag;
        return;
      }
      settled.put(tag, requeue ? "requeue" : "drop");
    }

    Channel channel() {
      return (Channel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Channel.class},
          (proxy, method, args) -> {
            switch (method.getName()) {
              case "basicAck" -> ack((Long) args[0], (Boolean) args[1]);
              case "basicReject" -> reject((Long) args[0], (Boolean) args[1]);
              default -> throw new UnsupportedOperationException(method.getName());
            }
            return null;
          });
    }
  }

  private final Broker broker = new Broker();

  private Acks.Slot[] deliver(Acks acks, int n) {
    Acks.Slot[] slots = new Acks.Slot[n + 1];
    for (int tag = 1; tag <= n; tag++) {
      broker.deliver(tag);
      slots[tag] = acks.register(tag);
    }
    return slots;
  }

  @Test
  void acksInOrderFromOneThreadGoOutAsTheyCome() {
    Acks acks = new Acks(broker.channel(), "q", 64);
    Acks.Slot[] s = deliver(acks, 3);

    acks.ack(s[1]);
    acks.ack(s[2]);
    acks.ack(s[3]);

    assertThat(broker.frames).containsExactly("ack 1 multiple", "ack 2 multiple", "ack 3 multiple");
    assertThat(broker.unacked).isEmpty();
    assertThat(broker.channelError).isNull();
  }

  @Test
  void acksBehindAnUnsettledDeliveryGoOutAsOneMultipleAckOnceItSettles() {
    Acks acks = new Acks(broker.channel(), "q", 64);
    Acks.Slot[] s = deliver(acks, 5);

    acks.ack(s[2]);
    acks.ack(s[3]);
    assertThat(broker.frames).isEmpty();
    acks.ack(s[1]);
    acks.reject(s[4], true);
    acks.ack(s[5]);

    assertThat(broker.frames).containsExactly("ack 3 multiple", "reject 4 requeue", "ack 5 multiple");
    assertThat(broker.settled).containsEntry(4L, "requeue").containsEntry(1L, "ack").containsEntry(5L, "ack");
    assertThat(broker.channelError).isNull();
  }

  @Test
  void aRejectIsSentBeforeAnyMultipleAckCouldCoverIt() {
    Acks acks = new Acks(broker.channel(), "q", 64);
    Acks.Slot[] s = deliver(acks, 3);

    acks.reject(s[2], false);
    acks.ack(s[3]);
    acks.ack(s[1]);

    assertThat(broker.frames).containsExactly("reject 2", "ack 3 multiple");
    assertThat(broker.settled).containsEntry(1L, "ack").containsEntry(2L, "drop").containsEntry(3L, "ack");
    assertThat(broker.channelError).isNull();
  }

  @Test
  void aSlowDeliveryDoesNotHoldBackMoreThanHalfThePrefetch() {
    Acks acks = new Acks(broker.channel(), "q", 8);
    Acks.Slot[] s = deliver(acks, 8);

    for (int tag = 2; tag <= 6; tag++) {
      acks.ack(s[tag]);
    }

    // 5 acks waited behind delivery 1 (limit 4): they went out one by one
    assertThat(broker.unacked.keySet()).containsExactly(1L, 7L, 8L);
    acks.ack(s[1]);
    acks.ack(s[7]);
    assertThat(broker.unacked.keySet()).containsExactly(8L);
    assertThat(broker.channelError).isNull();
  }

  @Test
  void flushSendsWaitingAcksOneByOne() {
    Acks acks = new Acks(broker.channel(), "q", 64);
    Acks.Slot[] s = deliver(acks, 3);
    acks.ack(s[2]);
    acks.ack(s[3]);

    acks.flush();

    assertThat(broker.unacked.keySet()).containsExactly(1L);
    assertThat(broker.frames).containsExactly("ack 2", "ack 3");
    assertThat(broker.channelError).isNull();
  }

  @Test
  void settlingTwiceSendsNothingMore() {
    Acks acks = new Acks(broker.channel(), "q", 64);
    Acks.Slot[] s = deliver(acks, 1);

    acks.ack(s[1]);
    acks.ack(s[1]);
    acks.reject(s[1], true);

    assertThat(broker.frames).containsExactly("ack 1 multiple");
  }

  @Test
  void concurrentSettlesInAnyOrderSettleEveryDeliveryExactlyOnceWithFewerFrames() throws Exception {
    int n = 50_000;
    Acks acks = new Acks(broker.channel(), "q", 64);
    Acks.Slot[] s = deliver(acks, n);
    List<Integer> tags = new ArrayList<>();
    for (int tag = 1; tag <= n; tag++) {
      tags.add(tag);
    }
    // local disorder, as a pool of threads settles: shuffle within windows of 64
    Random random = new Random(42);
    for (int from = 0; from < n; from += 64) {
      Collections.shuffle(tags.subList(from, Math.min(n, from + 64)), random);
    }
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int first = t;
      new Thread(() -> {
        for (int i = first; i < n; i += threads) {
          int tag = tags.get(i);
          if (tag % 97 == 0) {
            acks.reject(s[tag], tag % 2 == 0);
          } else {
            acks.ack(s[tag]);
          }
        }
        done.countDown();
      }).start();
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    acks.flush();

    assertThat(broker.channelError).isNull();
    assertThat(broker.unacked).isEmpty();
    assertThat(broker.settled).hasSize(n);
    for (int tag = 1; tag <= n; tag++) {
      assertThat(broker.settled.get((long) tag)).as("tag %d", tag)
          .isEqualTo(tag % 97 == 0 ? (tag % 2 == 0 ? "requeue" : "drop") : "ack");
    }
    assertThat(broker.frames.size()).as("frames for %d deliveries", n).isLessThan(n);
  }
}
