package io.fjord.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.ReplyPathLostException;
import io.fjord.rpc.Deadline;
import io.fjord.rpc.Target;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.RemoteFailures;
import io.fjord.rpc.wire.WireIds;
import io.fjord.rpc.wire.WireReply;
import java.util.concurrent.CountDownLatch;
import io.fjord.rpc.spi.IncomingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's reply matching and wait rules (docs/wire-format.md §4.6), driven with hand-made reply messages. */
class ReplyWaiterTest {
  private static final Target TARGET = Target.topic("t");
  private static final Duration LONG = Duration.ofSeconds(60);

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final ReplyWaiter waiter = new ReplyWaiter(timer);

  {
    timer.setRemoveOnCancelPolicy(true);
  }

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void finalReplyCompletesTheCallAndAcks() throws Exception {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "add", Deadline.after(LONG), null, Map.of());
    FakeMessage reply = message(reply(IntNode.valueOf(7), null, true, "m1"));

    waiter.onReply(reply);

    assertThat(p.future.get(1, TimeUnit.SECONDS)).isEqualTo(IntNode.valueOf(7));
    assertThat(reply.acked).isTrue();
    assertThat(waiter.pendingCount()).isZero();
  }

  @Test
  void completedCallLeavesNoTimerTaskBehind() throws Exception {
    for (int i = 0; i < 100; i++) {
      waiter.register("m" + i, TARGET, "add", Deadline.after(LONG), Duration.ofSeconds(30), Map.of());
      waiter.onReply(message(reply(IntNode.valueOf(i), null, true, "m" + i)));
    }

    // calls are checked by one periodic sweep: nothing per call is kept (with its result) until the deadline
    assertThat(timer.getQueue()).hasSize(1);
    assertThat(waiter.pendingCount()).isZero();
  }

  @Test
  void legacyTwoMessageReplyReturnsTheFirstResult() throws Exception {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "get", Deadline.after(LONG), null, Map.of());

    waiter.onReply(message(reply(TextNode.valueOf("x"), null, false, "m1")));
    assertThat(p.future).isNotDone();
    waiter.onReply(message(reply(null, null, true, "m1")));

    assertThat(p.future.get(1, TimeUnit.SECONDS)).isEqualTo(TextNode.valueOf("x"));
  }

  @Test
  void nullResultIsANullNode() throws Exception {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "get", Deadline.after(LONG), null, Map.of());

    waiter.onReply(message(reply(null, null, true, "m1")));

    assertThat(p.future.get(1, TimeUnit.SECONDS).isNull()).isTrue();
  }

  @Test
  void failureReplyCompletesWithTheDecodedException() {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "nope", Deadline.after(LONG), null, Map.of());
    String failure = RemoteFailures.encode(new NoSuchRpcMethodException("nope"));

    waiter.onReply(message(reply(null, failure, true, "m1")));

    assertThatThrownBy(() -> p.future.get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isExactlyInstanceOf(NoSuchRpcMethodException.class)
        .hasMessage("Remote error: oslo_messaging.rpc.dispatcher.NoSuchMethod: Endpoint does not support RPC method nope "
            + "(call 'nope' to Target{topic=t})");
  }

  @Test
  void replyForUnknownMessageIdIsAckedAndDropped() {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "add", Deadline.after(LONG), null, Map.of());
    FakeMessage late = message(reply(IntNode.valueOf(1), null, true, "other"));

    waiter.onReply(late);

    assertThat(late.acked).isTrue();
    assertThat(p.future).isNotDone();
  }

  @Test
  void undecodableReplyIsRejectedWithoutRequeue() {
    FakeMessage bad = new FakeMessage("{\"oslo.version\": \"3.0\", \"oslo.message\": \"{}\"}");

    waiter.onReply(bad);

    assertThat(bad.rejected).isTrue();
    assertThat(bad.requeued).isFalse();
    assertThat(bad.acked).isFalse();
  }

  @Test
  void callTimesOutAtItsDeadline() {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "add", Deadline.after(Duration.ofMillis(200)), null, Map.of());

    assertThatThrownBy(() -> p.future.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isExactlyInstanceOf(MessagingTimeoutException.class)
        .hasMessage("Timed out after 200ms waiting for a reply to call 'add' to Target{topic=t} (message ID m1); "
            + "is a server consuming that topic, and is it fast enough?");
    assertThat(waiter.pendingCount()).isZero();
  }

  @Test
  void callTimesOutWhenItsClockReachesTheDeadlineNotBefore() throws Exception {
    ManualClock clock = new ManualClock();
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "add", Deadline.after(Duration.ofSeconds(30), clock), null,
        Map.of());
    CountDownLatch swept = new CountDownLatch(3);
    timer.scheduleWithFixedDelay(swept::countDown, 0, ReplyWaiter.SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(swept.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(p.future).as("30 s on the test's clock have not passed").isNotDone();

    clock.advance(Duration.ofSeconds(30));

    assertThatThrownBy(() -> p.future.get(5, TimeUnit.SECONDS))
        .cause().isExactlyInstanceOf(MessagingTimeoutException.class)
        .hasMessageStartingWith("Timed out after 30s waiting for a reply to call 'add'");
  }

  @Test
  void callMonitorIsReadOnTheDeadlinesClock() {
    ManualClock clock = new ManualClock();
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "slow", Deadline.after(LONG, clock), Duration.ofSeconds(4),
        Map.of());
    clock.advance(Duration.ofSeconds(3));
    waiter.onReply(message(reply(null, null, false, "m1")));
    clock.advance(Duration.ofSeconds(3));
    assertThat(p.future).as("a heartbeat 3 s ago renewed the 4 s monitor").isNotDone();

    clock.advance(Duration.ofSeconds(1));

    assertThatThrownBy(() -> p.future.get(5, TimeUnit.SECONDS))
        .cause().isExactlyInstanceOf(MessagingTimeoutException.class)
        .hasMessageStartingWith("No reply or heartbeat for 4s (call monitor timeout)");
  }

  @Test
  void heartbeatsKeepTheCallMonitorAlive() throws Exception {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "slow", Deadline.after(LONG), Duration.ofMillis(300), Map.of());
    long end = System.nanoTime() + Duration.ofMillis(900).toNanos();

    while (System.nanoTime() < end) {
      waiter.onReply(message(reply(null, null, false, "m1")));
      assertThat(p.future).isNotDone();
      TimeUnit.MILLISECONDS.sleep(50); // the heartbeat interval of this simulated server
    }
    waiter.onReply(message(reply(IntNode.valueOf(1), null, true, "m1")));

    assertThat(p.future.get(1, TimeUnit.SECONDS)).isEqualTo(IntNode.valueOf(1));
  }

  @Test
  void missingHeartbeatFailsTheCallMonitor() {
    ReplyWaiter.Pending p = waiter.register("m1", TARGET, "slow", Deadline.after(LONG), Duration.ofMillis(200), Map.of());

    assertThatThrownBy(() -> p.future.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isExactlyInstanceOf(MessagingTimeoutException.class)
        .hasMessageStartingWith("No reply or heartbeat for 200ms (call monitor timeout) to call 'slow' to Target{topic=t}");
  }

  @Test
  void lostReplyPathFailsEveryWaitingCall() {
    ReplyWaiter.Pending a = waiter.register("a", TARGET, "x", Deadline.after(LONG), null, Map.of());
    ReplyWaiter.Pending b = waiter.register("b", TARGET, "y", Deadline.after(LONG), null, Map.of());

    waiter.onReplyPathLost(new RuntimeException("connection reset"));

    assertThat(a.future).isCompletedExceptionally();
    assertThat(b.future).isCompletedExceptionally();
    assertThatThrownBy(() -> a.future.get()).cause().isExactlyInstanceOf(ReplyPathLostException.class);
  }

  private static WireReply reply(JsonNode result, String failure, boolean ending, String msgId) {
    return new WireReply(result, failure, ending, msgId, WireIds.hex());
  }

  private static FakeMessage message(WireReply reply) {
    return new FakeMessage(new String(OsloWire.encode(reply), StandardCharsets.UTF_8));
  }

  /** A clock that moves only when the test says so. */
  private static final class ManualClock implements Deadline.Clock {
    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);

    @Override
    public long nanoTime() {
      return now.get();
    }

    void advance(Duration d) {
      now.addAndGet(d.toNanos());
    }
  }

  private static final class FakeMessage implements IncomingMessage {
    private final byte[] body;
    volatile boolean acked;
    volatile boolean rejected;
    volatile boolean requeued;

    FakeMessage(String body) {
      this.body = body.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] body() {
      return body;
    }

    @Override
    public boolean redelivered() {
      return false;
    }

    @Override
    public String source() {
      return "reply_test";
    }

    @Override
    public void ack() {
      acked = true;
    }

    @Override
    public void reject(boolean requeue) {
      rejected = true;
      requeued = requeue;
    }
  }
}
