package io.fjord.micrometer;

import io.fjord.notify.NotificationDriver;
import io.fjord.notify.NotificationObserver;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.TooManyCallsInFlightException;
import io.fjord.rpc.server.RpcServer;
import io.fjord.rpc.client.ClientInterceptor;
import io.fjord.rpc.client.ClientInvocation;
import io.fjord.rpc.server.ServerInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
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
 *   <tr><td>fjord.rpc.client.target.in.flight</td><td>gauge</td><td>topic, server</td></tr>
 *   <tr><td>fjord.rpc.client.refused</td><td>counter</td><td>topic, server, method</td></tr>
 *   <tr><td>fjord.rpc.server.dispatch</td><td>timer</td><td>topic, method, outcome</td></tr>
 *   <tr><td>fjord.rpc.server.in.flight</td><td>gauge</td><td></td></tr>
 *   <tr><td>fjord.rpc.server.in.progress</td><td>gauge</td><td>topic, server ({@link #bind(RpcServer)})</td></tr>
 *   <tr><td>fjord.rpc.server.waiting</td><td>gauge</td><td>topic, server ({@link #bind(RpcServer)})</td></tr>
 *   <tr><td>fjord.rpc.server.max.in.progress</td><td>gauge</td><td>topic, server ({@link #bind(RpcServer)})</td></tr>
 *   <tr><td>fjord.rpc.server.expired</td><td>counter</td><td>topic, server ({@link #bind(RpcServer)})</td></tr>
 *   <tr><td>fjord.notifications.sent</td><td>counter</td><td>priority, outcome</td></tr>
 *   <tr><td>fjord.notifications.received</td><td>counter</td><td>priority, outcome (handled, requeued, dropped, dead_lettered)</td></tr>
 * </table>
 *
 * <p>outcome is {@code success}, {@code remote_error}, {@code timeout} or {@code error}.
 *
 * <p>Overload protection: {@code fjord.rpc.client.target.in.flight} counts a client's calls in flight per target
 * (server {@code (any)} for any server of the topic, {@code (all)} for a scatter-gather call), what
 * {@code RpcClient.Builder.maxInFlight} limits; {@code fjord.rpc.client.refused} counts the calls refused beyond
 * it ({@link io.fjord.rpc.TooManyCallsInFlightException}: never sent, so not timed in
 * {@code fjord.rpc.client.calls}). A server's requests in progress, waiting for a slot, its limit, and the
 * requests it shed because their deadline passed before they could run come from {@link #bind(RpcServer)}.
 * Thread-safe.
 */
public final class FjordMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger clientInFlight = new AtomicInteger();
  private final AtomicInteger serverInFlight = new AtomicInteger();
  /** Calls in flight per (topic, server) tag pair, each registered once as a gauge. */
  private final java.util.concurrent.ConcurrentHashMap<java.util.List<String>, AtomicInteger> targetInFlight =
      new java.util.concurrent.ConcurrentHashMap<>();

  private FjordMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("fjord.rpc.client.in.flight", clientInFlight);
    registry.gauge("fjord.rpc.server.in.flight", serverInFlight);
  }

  /** Metrics registered in {@code registry}; bind clients and servers with its interceptors and {@link #bind}. */
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

  /**
   * Registers the overload-protection meters of {@code server} (see the class doc), tagged with its topic and
   * server name: requests in progress, waiting for a slot, its limit, and requests shed because their deadline
   * passed before they could run. The meters read the server and hold no strong reference to it.
   *
   * @return {@code server}
   */
  public RpcServer bind(RpcServer server) {
    Objects.requireNonNull(server, "server");
    Tags tags = Tags.of("topic", String.valueOf(server.target().topic()), "server",
        String.valueOf(server.target().server()));
    Gauge.builder("fjord.rpc.server.in.progress", server, RpcServer::inProgress).tags(tags)
        .description("requests running now").register(registry);
    Gauge.builder("fjord.rpc.server.waiting", server, RpcServer::waiting).tags(tags)
        .description("requests received and waiting for a slot, unacknowledged").register(registry);
    Gauge.builder("fjord.rpc.server.max.in.progress", server, RpcServer::maxInProgress).tags(tags)
        .description("the most requests the server runs at once").register(registry);
    FunctionCounter.builder("fjord.rpc.server.expired", server, RpcServer::expiredRequests).tags(tags)
        .description("requests not run because their deadline passed before they could run").register(registry);
    return server;
  }

  /**
   * Times calls and counts casts of an {@code RpcClient}; counts its calls in flight per target and those it
   * refused beyond its {@code maxInFlight}.
   */
  public ClientInterceptor clientInterceptor() {
    return (invocation, chain) -> {
      long start = System.nanoTime();
      clientInFlight.incrementAndGet();
      AtomicInteger perTarget = invocation.kind() == ClientInvocation.Kind.CAST ? null : targetInFlight(invocation);
      if (perTarget != null) {
        perTarget.incrementAndGet();
      }
      CompletableFuture<Object> result;
      try {
        result = chain.proceed(invocation);
      } catch (RuntimeException e) {
        record(invocation, start, perTarget, e);
        throw e;
      }
      return result.whenComplete((r, e) -> record(invocation, start, perTarget, e));
    };
  }

  /** The tag value of the server a call goes to: its name, {@code (any)}, or {@code (all)} for scatter-gather. */
  private static String serverTag(ClientInvocation invocation) {
    if (invocation.kind() == ClientInvocation.Kind.CALL_ALL || invocation.target().fanout()) {
      return "(all)";
    }
    return invocation.target().server() == null ? "(any)" : invocation.target().server();
  }

  private AtomicInteger targetInFlight(ClientInvocation invocation) {
    String topic = String.valueOf(invocation.target().topic());
    String server = serverTag(invocation);
    return targetInFlight.computeIfAbsent(java.util.List.of(topic, server), k -> {
      AtomicInteger count = new AtomicInteger();
      Gauge.builder("fjord.rpc.client.target.in.flight", count, AtomicInteger::get).tag("topic", topic)
          .tag("server", server).description("calls in flight to one target").strongReference(true)
          .register(registry);
      return count;
    });
  }

  private static boolean refused(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof TooManyCallsInFlightException;
  }

  private void record(ClientInvocation invocation, long start, AtomicInteger perTarget, Throwable error) {
    clientInFlight.decrementAndGet();
    if (perTarget != null) {
      perTarget.decrementAndGet();
    }
    String topic = String.valueOf(invocation.target().topic());
    if (refused(error)) { // never sent: counted, not timed
      Counter.builder("fjord.rpc.client.refused").tag("topic", topic).tag("server", serverTag(invocation))
          .tag("method", invocation.method()).register(registry).increment();
      return;
    }
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
