package io.fjord.amqp;

import com.rabbitmq.client.ShutdownSignalException;
import io.fjord.rpc.BrokerInfo;
import io.fjord.rpc.Capability;
import io.fjord.rpc.Target;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.spi.Driver;
import io.fjord.rpc.spi.DriverListener;
import io.fjord.rpc.spi.MessageHandler;
import io.fjord.rpc.spi.ReplyHandler;
import io.fjord.rpc.spi.Routes;
import io.fjord.rpc.spi.SendOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ driver of one transport URL: oslo.messaging's rabbit-driver topology on RabbitMQ, so that
 * oslo peers and Fjord share exchanges and queues (the bytes are in docs/wire-format.md, the flags are
 * {@link Topology}'s, the README's "Brokers and deployments" says why). {@link Connections} holds its two
 * connections, {@link Publishing} publishes, and each server, listener and reply queue consumes through a
 * {@link Subscription}.
 *
 * <p>What it declares and routes, {@code <exchange>} being the target's exchange, else the transport's
 * control exchange ({@code openstack} by default):
 * <ul>
 *   <li><b>Calls and casts</b> to {@code <topic>} or {@code <topic>.<server>} are published to the topic
 *       exchange {@code <exchange>} with that routing key, the exchange declared before the first publish
 *       (a call with its timeout as expiration). An RPC server on a topic and server name declares and
 *       consumes the queues {@code <topic>} (shared by the topic's servers: each request to one of them)
 *       and {@code <topic>.<server>}, each bound to {@code <exchange>} with its own name as key.</li>
 *   <li><b>Fanout casts</b> to {@code <topic>} are published to the fanout exchange {@code <topic>_fanout}
 *       (auto-delete, not scoped by {@code <exchange>}) with an empty routing key; each server consumes a
 *       queue of its own, {@code <topic>_fanout_<unique>}, bound to it, so every server listening gets a
 *       copy. Under {@code rabbit_stream_fanout} the servers instead consume one stream
 *       {@code <topic>_fanout} from {@code next}, and after a reconnect from the offset after the last
 *       message they saw.</li>
 *   <li><b>Replies and heartbeats</b> go to the caller's reply queue through the default exchange,
 *       mandatory: a reply the broker returns (the queue is missing while its caller reconnects?) is
 *       published again every 250 ms for up to {@code kombu_missing_consumer_retry_timeout}. A transport
 *       declares its reply queue {@code reply_<unique>} lazily, consumes it with automatic
 *       acknowledgement, and moves to a new one when the broker will not deliver from it again.</li>
 *   <li><b>Notifications</b> of a priority on {@code <topic>} are published to {@code <exchange>} with
 *       routing key {@code <topic>.<priority>}, after declaring the exchange and a queue of that name bound
 *       with it, so they wait for their first listener. A listener without a pool consumes those queues
 *       (competing with the other such listeners); a listener in pool {@code <pool>} consumes a queue
 *       {@code <pool>} bound to every exchange and key it listens to.</li>
 * </ul>
 *
 * <p>The topic exchange and the shared queues ({@code <topic>}, {@code <topic>.<server>}, notification
 * and pool queues) are transient, as oslo's defaults, unless {@code amqp_durable_queues} or
 * {@code rabbit_quorum_queue} (quorum queues, with the {@code rabbit_quorum_*} limits) make them durable,
 * or the broker refuses transient non-exclusive queues (RabbitMQ 4.3's default: asked at connect);
 * {@code amqp_auto_delete} makes them auto-delete. Reply and fanout queues belong to one process: exclusive, or quorum queues with
 * {@code x-expires} under {@code rabbit_transient_quorum_queue} (the fanout exchange then durable);
 * {@code use_queue_manager} names them {@code <host>:<process>:<n>} instead of a random {@code <unique>}.
 * Servers and listeners acknowledge by hand, with a per-consumer prefetch ({@code rabbit_qos_prefetch_count},
 * 64). Messages are persistent JSON ({@link Publishing#PROPERTIES}) with priority 0, except requests sent
 * with a {@link SendOptions#priority()}, which carry it (honoured by quorum queues on RabbitMQ 4); casts,
 * notifications and mandatory requests wait for a publisher confirm unless {@code confirms=false}.
 *
 * <p>Never blocks a caller on the broker (see {@link Publishing}). After a reconnect every subscription
 * declares and consumes again. Thread-safe.
 */
final class AmqpDriver implements Driver {
  private static final Logger log = LoggerFactory.getLogger(AmqpDriver.class);
  /** Notices about options, logged once per JVM. */
  private static final Set<String> NOTICED = ConcurrentHashMap.newKeySet();

  private final AmqpSettings settings;
  private final String controlExchange;
  private final Connections connections;
  private final Topology topology;
  private final Publishing publishing;
  private final QueueManager queueManager;
  private final Declarer consumeDeclarer;
  private final Subscription.Timing timing;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile ReplyHandler replyHandler;
  private volatile String replyQueue;
  private Subscription replySubscription;

  AmqpDriver(TransportUrl url, TransportOptions options) {
    this(url, options, (factory, hosts, name) -> factory.newConnection(null, hosts, name));
  }

  AmqpDriver(TransportUrl url, TransportOptions options, Connections.Connector connector) {
    this.settings = AmqpSettings.from(url);
    for (AmqpSettings.Notice n : settings.notices) {
      if (NOTICED.add(n.key() + n.text())) {
        if (n.warn()) {
          log.warn("Transport URL option {} {}", n.key(), n.text());
        } else {
          log.info("Transport URL option {} {}", n.key(), n.text());
        }
      }
    }
    this.controlExchange = options.controlExchange();
    this.timing = new Subscription.Timing(settings.recoveryInterval, settings.reconnectDelay, settings.reconnectSplay);
    this.connections = new Connections(url, settings, options, connector);
    this.topology = connections.topology();
    this.queueManager = settings.queueManager ? new QueueManager(settings.hostname, settings.processname) : null;
    this.publishing = new Publishing(connections, settings);
    this.consumeDeclarer = new Declarer(connections.consumeConnection(), "consuming");
    connections.watch(new Connections.Events() {
      @Override
      public void publishingReset() {
        publishing.forgetDeclarations();
      }

      @Override
      public void consumingLost(ShutdownSignalException cause) {
        ReplyHandler h = replyHandler;
        if (h != null) {
          h.onReplyPathLost(new TransportException("connection lost: " + AmqpErrors.describe(cause), cause));
        }
      }

      @Override
      public void consumingRecovered() {
        connections.io().execute(() -> subscriptions.forEach(Subscription::recover));
      }
    });
  }

  @Override
  public Set<Capability> capabilities() {
    var c = EnumSet.of(Capability.RPC, Capability.NOTIFICATIONS, Capability.REQUEUE, Capability.EXPIRATION);
    if (settings.confirms) {
      c.add(Capability.PUBLISHER_CONFIRMS);
    }
    if (settings.quorum) {
      c.add(Capability.DELIVERY_LIMIT);
    }
    return Collections.unmodifiableSet(c);
  }

  @Override
  public BrokerInfo brokerInfo() {
    return connections.broker();
  }

  @Override
  public boolean isConnected() {
    return connections.isConnected();
  }

  // ------------------------------------------------------------------ sending

  @Override
  public CompletableFuture<Void> send(Target target, byte[] body, SendOptions options) {
    Topology.Exchange x = target.fanout() ? topology.fanoutExchange(target.topic())
        : topology.topicExchange(Routes.exchange(target, controlExchange));
    return publishing.request(Publishing.Declaration.of(x), target.fanout() ? "" : Routes.routingKey(target), body,
        options);
  }

  @Override
  public CompletableFuture<Void> sendReply(String queue, byte[] body) {
    return publishing.reply(queue, body);
  }

  @Override
  public CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body, SendOptions options) {
    Topology.Exchange x = topology.topicExchange(Routes.exchange(target, controlExchange));
    String key = Routes.notificationKey(target.topic(), priority);
    // oslo declares the exchange and a queue named after the key before its first publish with it
    return publishing.notification(Publishing.Declaration.of(x, topology.notificationQueue(key)), key, body, options);
  }

  // ------------------------------------------------------------------ consuming

  private String unique() {
    return queueManager != null ? queueManager.next() : UUID.randomUUID().toString().replace("-", "");
  }

  /** A subscription on the consuming connection, not started yet. */
  private Subscription subscription(String description, int prefetch, List<Subscription.QueueSpec> queues,
                                    MessageHandler handler, Runnable onQueueLost) {
    return new Subscription(description, connections.consumeConnection(), consumeDeclarer, prefetch, queues, handler,
        connections.io(), connections.timer(), timing, onQueueLost);
  }

  @Override
  public synchronized String openReplyQueue(ReplyHandler handler) {
    if (replyQueue != null) {
      throw new IllegalStateException("reply queue already open");
    }
    connections.ensureOpen();
    this.replyHandler = handler;
    replySubscription = startReplySubscription(handler);
    return replyQueue;
  }

  /** Declares and consumes a new reply queue; it becomes {@link #replyQueue}. */
  private Subscription startReplySubscription(ReplyHandler handler) {
    String name = Routes.replyQueue(unique());
    Topology.Queue q = topology.replyQueue(name);
    Subscription s = subscription("reply queue " + name, 0,
        List.of(new Subscription.QueueSpec(q, d -> d.queue(q), topology.consumerArguments(q), true)),
        handler::onReply, () -> handler.onReplyPathLost(new TransportException("reply queue " + name + " was lost")));
    s.start();
    subscriptions.add(s);
    s.giveUpWhenStuck(() -> connections.io().execute(() -> moveReplyQueue(handler, s)));
    replyQueue = name;
    return s;
  }

  /**
   * The broker cannot deliver from the reply queue again: consume a new one and tell the handler, so
   * new calls name it; retried every recovery interval while that fails.
   */
  private void moveReplyQueue(ReplyHandler handler, Subscription stuck) {
    String old;
    Subscription next;
    synchronized (this) {
      if (connections.isClosed() || replySubscription != stuck) {
        return;
      }
      old = replyQueue;
      subscriptions.remove(stuck);
      try {
        next = startReplySubscription(handler);
      } catch (RuntimeException e) {
        log.warn("Could not declare a new reply queue instead of '{}': {}; retrying", old, e.getMessage());
        subscriptions.add(stuck);
        connections.timer().schedule(() -> connections.io().execute(() -> moveReplyQueue(handler, stuck)),
            settings.recoveryInterval.toNanos(), TimeUnit.NANOSECONDS);
        return;
      }
      replySubscription = next;
    }
    log.warn("Replies now come to queue '{}' instead of '{}', which the broker would not deliver from", replyQueue, old);
    handler.onReplyQueueMoved(replyQueue);
    stuck.close(); // its consumer, and the queue when Fjord created it and does not keep it
  }

  @Override
  public DriverListener listen(Target target, MessageHandler handler) {
    connections.ensureOpen();
    String exchange = Routes.exchange(target, controlExchange);
    String topic = target.topic();
    String serverQueue = Routes.routingKey(target);
    Topology.Exchange topicX = topology.topicExchange(exchange);
    Topology.Exchange fanoutX = topology.fanoutExchange(topic);
    Topology.Queue fanout = topology.fanoutQueue(settings.streamFanout ? Routes.fanoutExchange(topic)
        : Routes.fanoutQueue(topic, unique()));
    List<Subscription.QueueSpec> queues = new ArrayList<>();
    for (Topology.Queue q : List.of(topology.sharedQueue(topic), topology.sharedQueue(serverQueue))) {
      queues.add(new Subscription.QueueSpec(q, d -> {
        d.exchange(topicX);
        Declarer.Declared declared = d.queue(q);
        d.bind(q.name(), exchange, q.name());
        return declared;
      }, topology.consumerArguments(q), settings.rpcAutoAck));
    }
    queues.add(new Subscription.QueueSpec(fanout, d -> {
      d.exchange(fanoutX);
      Declarer.Declared declared = d.queue(fanout);
      d.bind(fanout.name(), fanoutX.name(), topic);
      return declared;
    }, topology.consumerArguments(fanout), settings.rpcAutoAck && fanout.kind() != Topology.Kind.STREAM));
    return started(subscription("RPC server on " + target, settings.prefetch, queues, handler, null));
  }

  @Override
  public DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                               MessageHandler handler) {
    return listenForNotifications(targets, priorities, pool, 0, handler);
  }

  /**
   * The prefetch is at least {@code unsettled} (a batch listener's batch size), unless it is 0 (unlimited):
   * below it a batch could never fill and every batch would wait out its timeout.
   */
  @Override
  public DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                               int unsettled, MessageHandler handler) {
    connections.ensureOpen();
    // queue -> (exchange, binding key) pairs
    Map<String, List<String[]>> bindings = new LinkedHashMap<>();
    for (Target t : targets) {
      String exchange = Routes.exchange(t, controlExchange);
      for (String p : priorities) {
        String key = Routes.notificationKey(t.topic(), p);
        bindings.computeIfAbsent(pool != null ? pool : key, q -> new ArrayList<>()).add(new String[] {exchange, key});
      }
    }
    List<Subscription.QueueSpec> queues = new ArrayList<>();
    bindings.forEach((queue, binds) -> {
      Topology.Queue q = topology.notificationQueue(queue);
      queues.add(new Subscription.QueueSpec(q, d -> {
        Declarer.Declared declared = d.queue(q);
        for (String[] b : binds) {
          d.exchange(topology.topicExchange(b[0]));
          d.bind(queue, b[0], b[1]);
        }
        return declared;
      }, topology.consumerArguments(q), false));
    });
    int prefetch = settings.prefetch == 0 ? 0 : Math.max(settings.prefetch, unsettled);
    return started(subscription("notification listener on " + bindings.keySet(), prefetch, queues, handler, null));
  }

  /** Starts {@code s} and tracks it for recovery until it is closed. */
  private DriverListener started(Subscription s) {
    s.start();
    subscriptions.add(s);
    return new DriverListener() {
      @Override
      public void stop() {
        s.stop();
      }

      @Override
      public OptionalInt deliveryLimit() {
        OptionalInt lowest = OptionalInt.empty();
        for (Topology.Queue q : s.declaredQueues()) {
          OptionalInt limit = Topology.deliveryLimit(q, connections.broker());
          if (limit.isPresent() && (lowest.isEmpty() || limit.getAsInt() < lowest.getAsInt())) {
            lowest = limit;
          }
        }
        return lowest;
      }

      @Override
      public void close() {
        s.close();
        subscriptions.remove(s);
      }
    };
  }

  // ------------------------------------------------------------------ closing

  /**
   * Cancels consumers, deletes owned queues and closes both connections gracefully within the
   * transport's close timeout; whatever is still hanging then (a frozen broker) is aborted.
   */
  @Override
  public void close() {
    connections.close(() -> {
      subscriptions.forEach(Subscription::close);
      subscriptions.clear();
      publishing.close();
    });
  }

  @Override
  public String toString() {
    return "AmqpDriver{" + connections.url() + "}";
  }
}
