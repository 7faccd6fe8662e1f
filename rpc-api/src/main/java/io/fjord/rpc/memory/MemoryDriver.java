package io.fjord.rpc.memory;

import io.fjord.rpc.DeliveryFailureException;
import io.fjord.rpc.Target;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.wire.WireIds;
import io.fjord.rpc.spi.DriverListener;
import io.fjord.rpc.spi.Driver;
import io.fjord.rpc.spi.MessageHandler;
import io.fjord.rpc.spi.ReplyHandler;
import io.fjord.rpc.spi.Routes;
import io.fjord.rpc.spi.SendOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code memory://} driver transport: oslo's topology on a {@link MemoryBroker}. Its queues are FIFO,
 * as the classic queues of oslo's default topology: a request's {@link SendOptions#priority()} is ignored.
 * RPC server consumers have a prefetch of {@value #SERVER_PREFETCH} unacknowledged deliveries, as the AMQP
 * driver's default; notification listeners and reply queues none. Thread-safe.
 */
final class MemoryDriver implements Driver {
  /**
   * Unacknowledged deliveries per RPC server consumer, as the AMQP driver's default {@code rabbit_qos_prefetch_count}:
   * what bounds the requests an RPC server at its in-progress limit holds, the rest staying queued.
   */
  static final int SERVER_PREFETCH = 64;

  private final TransportUrl url;
  private final MemoryBroker broker;
  private final String controlExchange;
  private final Set<MemoryBroker.Consumer> consumers = ConcurrentHashMap.newKeySet();
  private volatile String replyQueue;
  private volatile boolean closed;

  MemoryDriver(TransportUrl url, TransportOptions options) {
    this.url = url;
    this.broker = MemoryBroker.forVirtualHost(url.virtualHost());
    this.controlExchange = options.controlExchange();
  }

  private void ensureOpen() {
    if (closed) {
      throw new TransportException("memory transport " + url + " is closed");
    }
  }

  /** Everything but a broker-side delivery limit; sends complete when the message is queued in the JVM. */
  private static final Set<io.fjord.rpc.Capability> CAPABILITIES = java.util.Collections.unmodifiableSet(
      java.util.EnumSet.of(io.fjord.rpc.Capability.RPC, io.fjord.rpc.Capability.NOTIFICATIONS,
          io.fjord.rpc.Capability.REQUEUE, io.fjord.rpc.Capability.EXPIRATION,
          io.fjord.rpc.Capability.PUBLISHER_CONFIRMS));

  @Override
  public Set<io.fjord.rpc.Capability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public CompletableFuture<Void> send(Target target, byte[] body, SendOptions options) {
    ensureOpen();
    String exchange;
    String key;
    if (target.fanout()) {
      exchange = Routes.fanoutExchange(target.topic());
      key = "";
      broker.declareExchange(exchange, MemoryBroker.ExchangeType.FANOUT);
    } else {
      exchange = Routes.exchange(target, controlExchange);
      key = Routes.routingKey(target);
      broker.declareExchange(exchange, MemoryBroker.ExchangeType.TOPIC);
    }
    long expiresAt = options.expiration() == null ? 0 : System.nanoTime() + options.expiration().toNanos();
    boolean routed = broker.publish(exchange, key, body, expiresAt);
    if (!routed && options.mandatory()) {
      return CompletableFuture.failedFuture(new DeliveryFailureException("Unroutable: no queue is bound to exchange '"
          + exchange + "' with routing key '" + key + "'"));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> sendReply(String queue, byte[] body) {
    ensureOpen();
    if (!broker.publish("", queue, body, 0)) {
      return CompletableFuture.failedFuture(new DeliveryFailureException("Reply queue '" + queue + "' does not exist"));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized String openReplyQueue(ReplyHandler handler) {
    ensureOpen();
    if (replyQueue != null) {
      throw new IllegalStateException("reply queue already open");
    }
    String name = Routes.replyQueue(WireIds.hex());
    broker.declareQueue(name);
    consumers.add(broker.consume(name, handler::onReply));
    replyQueue = name;
    return name;
  }

  @Override
  public DriverListener listen(Target target, MessageHandler handler) {
    ensureOpen();
    String exchange = Routes.exchange(target, controlExchange);
    String topic = target.topic();
    String serverQueue = topic + "." + target.server();
    String fanoutExchange = Routes.fanoutExchange(topic);
    String fanoutQueue = Routes.fanoutQueue(topic, WireIds.hex());
    broker.declareExchange(exchange, MemoryBroker.ExchangeType.TOPIC);
    broker.declareQueue(topic);
    broker.bind(topic, exchange, topic);
    broker.declareQueue(serverQueue);
    broker.bind(serverQueue, exchange, serverQueue);
    broker.declareExchange(fanoutExchange, MemoryBroker.ExchangeType.FANOUT);
    broker.declareQueue(fanoutQueue);
    broker.bind(fanoutQueue, fanoutExchange, topic);
    List<MemoryBroker.Consumer> mine = List.of(broker.consume(topic, handler, SERVER_PREFETCH),
        broker.consume(serverQueue, handler, SERVER_PREFETCH), broker.consume(fanoutQueue, handler, SERVER_PREFETCH));
    return track(mine, () -> broker.deleteQueue(fanoutQueue));
  }

  @Override
  public CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body, SendOptions options) {
    ensureOpen();
    String exchange = Routes.exchange(target, controlExchange);
    String key = Routes.notificationKey(target.topic(), priority);
    broker.declareExchange(exchange, MemoryBroker.ExchangeType.TOPIC);
    broker.declareQueue(key);
    broker.bind(key, exchange, key);
    broker.publish(exchange, key, body, 0);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                               MessageHandler handler) {
    ensureOpen();
    Set<String> queues = new java.util.LinkedHashSet<>();
    for (Target t : targets) {
      String exchange = Routes.exchange(t, controlExchange);
      broker.declareExchange(exchange, MemoryBroker.ExchangeType.TOPIC);
      for (String p : priorities) {
        String key = Routes.notificationKey(t.topic(), p);
        String queue = pool != null ? pool : key;
        broker.declareQueue(queue);
        broker.bind(queue, exchange, key);
        queues.add(queue);
      }
    }
    List<MemoryBroker.Consumer> mine = new java.util.ArrayList<>();
    for (String q : queues) {
      mine.add(broker.consume(q, handler));
    }
    return track(mine, () -> { });
  }

  /** A listener over {@code mine}; {@code onClose} deletes what it alone owned. */
  private DriverListener track(List<MemoryBroker.Consumer> mine, Runnable onClose) {
    consumers.addAll(mine);
    return new DriverListener() {
      @Override
      public void stop() {
        mine.forEach(MemoryBroker.Consumer::stop);
      }

      @Override
      public void close() {
        mine.forEach(c -> {
          c.cancel();
          consumers.remove(c);
        });
        onClose.run();
      }
    };
  }

  @Override
  public io.fjord.rpc.BrokerInfo brokerInfo() {
    return new io.fjord.rpc.BrokerInfo("memory", "in-process");
  }

  @Override
  public boolean isConnected() {
    return !closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumers.forEach(MemoryBroker.Consumer::cancel);
    consumers.clear();
    if (replyQueue != null) {
      broker.deleteQueue(replyQueue);
    }
  }
}
