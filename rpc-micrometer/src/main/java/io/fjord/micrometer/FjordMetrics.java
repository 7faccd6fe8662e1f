package io.fjord.micrometer;

import io.fjord.notify.NotificationDriver;
import io.fjord.notify.NotificationObserver;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.client.ClientInterceptor;
import io.fjord.rpc.client.ClientInvocation;
import io.fjord.rpc.server.ServerInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer metrics for Fjord, through its extension points (interceptors, a notification driver
 * wrapper, a listener observer), so the core pays nothing when this module is absent:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th></tr>
 *   <tr><td>fjord.rpc.client.calls</td><td>timer</td><td>topic, method, outcome</td></tr>
 *   <tr><td>fjord.rpc.client.casts</td><td>counter</td><td>topic, method, outcome</td></tr>
 *   <tr><td>fjord.rpc.client.in.flight</td><td>gauge</td><td></td></tr>
 *   <tr><td>fjord.rpc.server.dispatch</td><td>timer</td><td>topic, method, outcome</td></tr>
 *   <tr><td>fjord.rpc.server.in.flight</td><td>gauge</td><td></td></tr>
 *   <tr><td>fjord.notifications.sent</td><td>counter</td><td>priority, outcome</td></tr>
 *   <tr><td>fjord.notifications.received</td><td>counter</td><td>priority, outcome (handled, requeued, dropped, dead_lettered)</td></tr>
 * </table>
 *
 * <p>outcome is {@code success}, {@code remote_error}, {@code timeout} or {@code error}. Thread-safe.
 */
public final class FjordMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger clientInFlight = new AtomicInteger();
  private final AtomicInteger serverInFlight = new AtomicInteger();

  private FjordMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("fjord.rpc.client.in.flight", clientInFlight);
    registry.gauge("fjord.rpc.server.in.flight", serverInFlight);
  }

  public static FjordMetrics create(MeterRegistry registry) {
    return new FjordMetrics(Objects.requireNonNull(registry, "registry"));
  }

  static String outcome(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e == null) {
      return "success";
    }
    if (e instanceof MessagingTimeoutException) {
      return "timeout";
    }
    if (e instanceof RemoteException) {
      return "remote_error";
    }
    return "error";
  }

  /** Times calls and counts casts of an {@code RpcClient}. */
  public ClientInterceptor clientInterceptor() {
    return (invocation, chain) -> {
      long start = System.nanoTime();
      clientInFlight.incrementAndGet();
      CompletableFuture<Object> result;
      try {
        result = chain.proceed(invocation);
      } catch (RuntimeException e) {
        record(invocation, start, e);
        throw e;
      }
      return result.whenComplete((r, e) -> record(invocation, start, e));
    };
  }

  private void record(ClientInvocation invocation, long start, Throwable error) {
    clientInFlight.decrementAndGet();
    String topic = String.valueOf(invocation.target().topic());
    if (invocation.kind() != ClientInvocation.Kind.CAST) { // a call, or a scatter-gather call
      Timer.builder("fjord.rpc.client.calls").tag("topic", topic).tag("method", invocation.method())
          .tag("outcome", outcome(error)).register(registry).record(System.nanoTime() - start,
              java.util.concurrent.TimeUnit.NANOSECONDS);
    } else {
      Counter.builder("fjord.rpc.client.casts").tag("topic", topic).tag("method", invocation.method())
          .tag("outcome", outcome(error)).register(registry).increment();
    }
  }

  /** Times the dispatch of every request an {@code RpcServer} serves. */
  public ServerInterceptor serverInterceptor() {
    return (invocation, chain) -> {
      long start = System.nanoTime();
      serverInFlight.incrementAndGet();
      String topic = String.valueOf(invocation.target().topic());
      Object result;
      try {
        result = chain.proceed(invocation);
      } catch (Exception | Error e) {
        dispatched(topic, invocation.method(), start, e);
        throw e;
      }
      if (result instanceof CompletionStage<?> stage) {
        stage.whenComplete((r, e) -> dispatched(topic, invocation.method(), start, e));
      } else {
        dispatched(topic, invocation.method(), start, null);
      }
      return result;
    };
  }

  private void dispatched(String topic, String method, long start, Throwable error) {
    serverInFlight.decrementAndGet();
    Timer.builder("fjord.rpc.server.dispatch").tag("topic", topic).tag("method", method).tag("outcome", outcome(error))
        .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Wraps a notification driver to count what it sends. */
  public NotificationDriver notificationDriver(NotificationDriver delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return new NotificationDriver() {
      @Override
      public CompletableFuture<Void> send(io.fjord.rpc.Transport transport, io.fjord.notify.Notification n,
                                          java.util.List<String> topics, java.time.Duration timeout, Integer retry) {
        CompletableFuture<Void> sent;
        try {
          sent = delegate.send(transport, n, topics, timeout, retry);
        } catch (RuntimeException e) {
          sent = CompletableFuture.failedFuture(e);
        }
        return sent.whenComplete((r, e) -> Counter.builder("fjord.notifications.sent")
            .tag("priority", n.priority().routingName()).tag("outcome", outcome(e)).register(registry)
            .increment(topics.size()));
      }

      @Override
      public java.util.Set<io.fjord.rpc.Capability> requires() {
        return delegate.requires();
      }

      @Override
      public String toString() {
        return delegate + " (metered)";
      }
    };
  }

  /** A listener observer counting received notifications by what became of them. */
  public NotificationObserver notificationObserver() {
    return (n, outcome) -> Counter.builder("fjord.notifications.received")
        .tag("priority", n == null ? "unknown" : n.priority().routingName())
        .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
  }
}
