package io.fjord.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.notify.NotificationDriver;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.NotificationResult;
import io.fjord.notify.Notifier;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Metric values after a few calls, casts and notifications, on memory://. */
class FjordMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FjordMetrics metrics = FjordMetrics.create(registry);
  private final Transport transport = Transport.open("memory://");
  private final String id = UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void close() {
    transport.close();
  }

  /** An endpoint with a good and a failing method. */
  public static final class Service {
    final CountDownLatch casts = new CountDownLatch(2);

    public int add(int a, int b) {
      return a + b;
    }

    public void fail() {
      throw new IllegalStateException("no");
    }

    public void note(String text) {
      casts.countDown();
    }
  }

  @Test
  void callsCastsAndDispatchAreTimedAndCountedWithTheirOutcome() throws Exception {
    Service service = new Service();
    RpcServer.builder(transport, Target.topic("m_" + id).withServer("s")).endpoint(service)
        .interceptor(metrics.serverInterceptor()).build().start();
    RpcClient client = RpcClient.builder(transport, Target.topic("m_" + id)).interceptor(metrics.clientInterceptor())
        .build();
    for (int i = 0; i < 3; i++) {
      assertThat(client.call(null, "add", Map.of("a", i, "b", 1), Integer.class)).isEqualTo(i + 1);
    }
    assertThatThrownBy(() -> client.call(null, "fail", Map.of(), Void.class)).isInstanceOf(RemoteException.class);
    client.cast(null, "note", Map.of("text", "a"));
    client.cast(null, "note", Map.of("text", "b"));
    assertThat(service.casts.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(registry.get("fjord.rpc.client.calls").tags("method", "add", "outcome", "success").timer().count())
        .isEqualTo(3);
    assertThat(registry.get("fjord.rpc.client.calls").tags("method", "fail", "outcome", "remote_error").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("fjord.rpc.client.casts").tags("method", "note", "outcome", "success").counter().count())
        .isEqualTo(2.0);
    assertThat(registry.get("fjord.rpc.server.dispatch").tags("method", "add", "outcome", "success").timer().count())
        .isEqualTo(3);
    assertThat(registry.get("fjord.rpc.server.dispatch").tags("method", "fail", "outcome", "error").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("fjord.rpc.client.in.flight").gauge().value()).isZero();
  }

  /** Blocks until its gate opens. */
  public static final class Gated {
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger runs = new AtomicInteger();

    public int work() throws InterruptedException {
      runs.incrementAndGet();
      gate.await(10, TimeUnit.SECONDS);
      return 1;
    }
  }

  private static void awaitUntil(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what).isNegative();
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls the condition until the deadline
    }
  }

  @Test
  void overloadProtectionIsMetered() throws Exception {
    Gated endpoint = new Gated();
    RpcServer server = metrics.bind(RpcServer.builder(transport, Target.topic("o_" + id).withServer("s"))
        .endpoint(endpoint).maxInProgress(1).build());
    server.start();
    RpcClient client = RpcClient.builder(transport, Target.topic("o_" + id)).timeout(Duration.ofSeconds(20))
        .maxInFlight(2).interceptor(metrics.clientInterceptor()).build();
    RpcClient expiring = RpcClient.builder(transport, Target.topic("o_" + id)).timeout(Duration.ofSeconds(20))
        .interceptor((invocation, chain) -> chain.proceed(invocation.withContext(invocation.context()
            .with(io.fjord.rpc.DeadlineContext.CONTEXT_KEY, 0))))
        .build();
    java.util.concurrent.CompletableFuture<Integer> first;
    java.util.concurrent.CompletableFuture<Integer> second;
    try {
      first = client.callAsync(null, "work", Map.of(), Integer.class);
      second = client.callAsync(null, "work", Map.of(), Integer.class);
      assertThatThrownBy(() -> client.call(null, "work", Map.of(), Integer.class))
          .isInstanceOf(io.fjord.rpc.TooManyCallsInFlightException.class);
      expiring.cast(null, "work", Map.of());
      awaitUntil("one runs, two wait", () -> server.inProgress() == 1 && server.waiting() == 2);

      assertThat(registry.get("fjord.rpc.client.target.in.flight").tags("topic", "o_" + id, "server", "(any)")
          .gauge().value()).isEqualTo(2.0);
      assertThat(registry.get("fjord.rpc.client.refused").tags("topic", "o_" + id, "server", "(any)", "method", "work")
          .counter().count()).isEqualTo(1.0);
      assertThat(registry.find("fjord.rpc.client.calls").tags("outcome", "error").timer()).as("refused: not timed")
          .isNull();
      assertThat(registry.get("fjord.rpc.server.in.progress").tags("topic", "o_" + id, "server", "s").gauge().value())
          .isEqualTo(1.0);
      assertThat(registry.get("fjord.rpc.server.waiting").tags("server", "s").gauge().value()).isEqualTo(2.0);
      assertThat(registry.get("fjord.rpc.server.max.in.progress").tags("server", "s").gauge().value()).isEqualTo(1.0);
      assertThat(registry.get("fjord.rpc.server.expired").tags("server", "s").functionCounter().count()).isZero();
    } finally {
      endpoint.gate.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    awaitUntil("the cast that waited past its deadline is shed", () ->
        registry.get("fjord.rpc.server.expired").tags("server", "s").functionCounter().count() == 1.0);
    assertThat(endpoint.runs).hasValue(2);
    awaitUntil("nothing in flight or in progress", () ->
        registry.get("fjord.rpc.client.target.in.flight").tags("server", "(any)").gauge().value() == 0.0
            && registry.get("fjord.rpc.server.in.progress").tags("server", "s").gauge().value() == 0.0);
    server.close();
  }

  /** Requeues the first delivery of each notification. */
  public static final class Flaky {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch handled = new CountDownLatch(2);

    public NotificationResult info(ReceivedNotification n) {
      if (calls.incrementAndGet() % 2 == 1) {
        return NotificationResult.REQUEUE;
      }
      handled.countDown();
      return NotificationResult.HANDLED;
    }
  }

  @Test
  void notificationsSentReceivedAndRequeuedAreCounted() throws Exception {
    Flaky endpoint = new Flaky();
    NotificationListener.builder(transport).target(Target.topic("n_" + id)).allowRequeue(true)
        .observer(metrics.notificationObserver()).endpoint(endpoint).build().start();
    Notifier notifier = Notifier.builder(transport).publisherId("p").topics("n_" + id)
        .driver(metrics.notificationDriver(NotificationDriver.messagingV2()))
        .failurePolicy(Notifier.FailurePolicy.THROW).timeout(Duration.ofSeconds(5)).build();
    notifier.info(RequestContext.empty(), "e.one", Map.of());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (endpoint.calls.get() < 2 && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    notifier.info(RequestContext.empty(), "e.two", Map.of());
    assertThat(endpoint.handled.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(registry.get("fjord.notifications.sent").tags("priority", "info", "outcome", "success").counter().count())
        .isEqualTo(2.0);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (registry.find("fjord.notifications.received").tags("outcome", "handled").counter() == null
        || registry.get("fjord.notifications.received").tags("outcome", "handled").counter().count() < 2) {
      assertThat(System.nanoTime() - deadline).as("handled counter reaches 2").isNegative();
      Thread.sleep(10);
    }
    // a requeued notification can be redelivered and handled before the observer has counted its requeue:
    // wait for that counter as well
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (registry.get("fjord.notifications.received").tags("outcome", "requeued").counter().count() < 2) {
      assertThat(System.nanoTime() - deadline).as("requeued counter reaches 2").isNegative();
      Thread.sleep(10);
    }
    assertThat(registry.get("fjord.notifications.received").tags("outcome", "requeued").counter().count())
        .isEqualTo(2.0);
  }
}
