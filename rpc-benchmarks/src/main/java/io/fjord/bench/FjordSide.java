package io.fjord.bench;

import io.fjord.notify.NotificationListener;
import io.fjord.notify.Notifier;
import io.fjord.notify.Priority;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Fjord's server, client, notifier and listener for the benchmark, on their own transports. */
final class FjordSide implements AutoCloseable {

  /** The benchmark endpoint. */
  public static final class Echo {
    final AtomicLong casts = new AtomicLong();

    public Object echo(Object payload) {
      return payload;
    }

    public void count(Object payload) {
      casts.incrementAndGet();
    }
  }

  /** Counts notifications. */
  public static final class Counter {
    final AtomicLong received = new AtomicLong();

    public void info(ReceivedNotification n) {
      received.incrementAndGet();
    }
  }

  final String exchange = "bench_x_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  final String topic = "bench_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  final Transport serverTransport;
  final Transport clientTransport;
  final RpcServer server;
  final RpcClient client;
  final Notifier notifier;
  final NotificationListener listener;
  final Echo echo = new Echo();
  final Counter counter = new Counter();

  FjordSide(String url) {
    TransportOptions options = TransportOptions.builder().controlExchange(exchange).build();
    String u = url + (url.contains("?") ? "&" : "?") + "auto_delete=true";
    serverTransport = Transport.open(TransportUrl.parse(u), options);
    clientTransport = Transport.open(TransportUrl.parse(u), options);
    server = RpcServer.builder(serverTransport, Target.topic(topic).withServer("bench")).endpoint(echo).build();
    server.start();
    client = RpcClient.builder(clientTransport, Target.topic(topic)).timeout(Duration.ofSeconds(60)).build();
    notifier = Notifier.builder(clientTransport).publisherId("bench").topics(topic + "_n")
        .failurePolicy(Notifier.FailurePolicy.THROW).build();
    // no pool: the listener consumes <topic>.info, the queue the notifier declares, so every
    // notification goes to one queue (a pool would add a second queue the notifier's fills unread)
    listener = NotificationListener.builder(serverTransport).target(Target.topic(topic + "_n")).endpoint(counter)
        .build();
    listener.start();
  }

  Object call(String payload) {
    return client.call(RequestContext.empty(), "echo", Map.of("payload", payload), Object.class);
  }

  java.util.concurrent.CompletableFuture<Object> callAsync(String payload) {
    return client.callAsync(RequestContext.empty(), "echo", Map.of("payload", payload), Object.class);
  }

  java.util.concurrent.CompletableFuture<Void> castAsync(String payload) {
    return client.castAsync(RequestContext.empty(), "count", Map.of("payload", payload));
  }

  void cast(String payload) {
    client.cast(RequestContext.empty(), "count", Map.of("payload", payload));
  }

  java.util.concurrent.CompletableFuture<Void> notifyAsync(String payload) {
    return notifier.notifyAsync(Priority.INFO, RequestContext.empty(), "bench.event", Map.of("payload", payload));
  }

  @Override
  public void close() {
    listener.close();
    server.close();
    clientTransport.close();
    serverTransport.close();
    // the notifier's <topic>.info queue is left by design (oslo); delete it
    RawBaseline.deleteQueues(serverTransportUrl, topic + "_n.info", topic, topic + ".bench");
  }

  private String serverTransportUrl;

  FjordSide withUrl(String url) {
    this.serverTransportUrl = url;
    return this;
  }
}
