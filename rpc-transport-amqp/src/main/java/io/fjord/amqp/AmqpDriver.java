package io.fjord.amqp;

import com.rabbitmq.client.AMQP;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ driver transport: two {@link Connections}, as oslo keeps sending apart from listening,
 * a pool of confirm-mode publishing channels borrowed one thread at a time, and the {@link Topology}
 * decided at connect from the URL's options and the broker's rules (RabbitMQ 4.3 refuses transient
 * non-exclusive queues: probed once at connect on RabbitMQ 3.13 and later).
 *
 * <p>Never blocks a caller on the broker: a publish runs on the caller's thread only when the
 * connection is up and the exchange known; otherwise it goes to an I/O thread that declares the
 * exchange, or waits for the connection to come back, until the send's deadline. Thread-safe.
 */
final class AmqpDriver implements Driver {
  private static final Logger log = LoggerFactory.getLogger(AmqpDriver.class);
  /** Notices about options, logged once per JVM. */
  private static final Set<String> NOTICED = ConcurrentHashMap.newKeySet();

  static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties.Builder()
      .contentType("application/json").contentEncoding("utf-8").headers(Map.of()).deliveryMode(2).priority(0).build();
  private static final AMQP.BasicProperties COMPRESSED = PROPERTIES.builder()
      .headers(Map.of("compression", AmqpSettings.GZIP)).build();

  private final AmqpSettings settings;
  private final String controlExchange;
  private final Connections connections;
  private final Topology topology;
  private final QueueManager queueManager;
  private final Declarer publishDeclarer;
  private final Declarer consumeDeclarer;
  private final Subscription.Timing timing;
  /** Confirm-mode channels: casts, notifications, mandatory requests. */
  private final ConcurrentLinkedDeque<Publisher> idleConfirming = new ConcurrentLinkedDeque<>();
  /**
   * Channels without confirms: call requests (the reply is the confirmation) and replies and
   * heartbeats (a missing reply queue shows as a basic.return, retried; WIRE.md 3.2).
   */
  private final ConcurrentLinkedDeque<Publisher> idlePlain = new ConcurrentLinkedDeque<>();
  /** Reply queue -> when a reply to it first came back unroutable. */
  private final Map<String, Outage> missingReplyQueues = new ConcurrentHashMap<>();

  /**
   * A reply queue seen missing: since when, and when a reply to it last came back. Returns more than
   * {@link #OUTAGE_GAP} apart are separate outages, each retried for the whole reply retry timeout.
   */
  private record Outage(long since, long lastReturn) {
  }

  private static final long OUTAGE_GAP = java.time.Duration.ofSeconds(2).toNanos();
  private final Set<Publisher> all = ConcurrentHashMap.newKeySet();
  /** Keys of what publishing has declared since the connection (re)opened (see {@link Send#declarationKey}). */
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
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
    this.publishDeclarer = new Declarer(connections.publishConnection(), "publishing");
    this.consumeDeclarer = new Declarer(connections.consumeConnection(), "consuming");
    connections.watch(new Connections.Events() {
      @Override
      public void publishingReset() {
        declared.clear();
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

  // ------------------------------------------------------------------ sending

  /** What a publish declares first, once per connection: an exchange, or a notification queue. */
  @FunctionalInterface
  private interface PublishDeclaration {
    void declare(Declarer declarer) throws IOException;
  }

  /** One message on its way to the broker, retried while the connection is down. */
  private final class Send {
    final String exchange;
    /** Names what {@link #declaration} declares in {@link #declared}; null: nothing (replies). */
    final String declarationKey;
    final PublishDeclaration declaration;
    final String routingKey;
    final boolean mandatory;
    final AMQP.BasicProperties props;
    final byte[] body;
    final long deadline;
    final Integer retry;
    final boolean confirm;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    int attempts;

    Send(String exchange, String declarationKey, PublishDeclaration declaration, String routingKey, boolean mandatory,
         AMQP.BasicProperties props, byte[] body, long deadline, Integer retry, boolean confirm) {
      this.confirm = confirm && settings.confirms;
      this.exchange = exchange;
      this.declarationKey = declarationKey;
      this.declaration = declaration;
      this.routingKey = routingKey;
      this.mandatory = mandatory;
      this.props = props;
      this.body = body;
      this.deadline = deadline;
      this.retry = retry;
    }

    String what() {
      return "publish to exchange '" + exchange + "' with routing key '" + routingKey + "'";
    }

    boolean ready() {
      return (declarationKey == null || declared.contains(declarationKey)) && connections.canPublish();
    }

    /** Publishes now; on a broken connection schedules another attempt. Runs on any thread. */
    void attempt() {
      if (connections.isClosed()) {
        future.completeExceptionally(new TransportException("Transport " + connections.url() + " is closed"));
        return;
      }
      if (!connections.canPublish()) {
        retryLater(null);
        return;
      }
      Publisher p;
      try {
        p = borrow(confirm);
      } catch (IOException | RuntimeException e) {
        retryLater(e);
        return;
      }
      try {
        if (declarationKey != null && !declared.contains(declarationKey)) {
          declaration.declare(publishDeclarer);
          declared.add(declarationKey);
        }
        p.publish(exchange, routingKey, mandatory, props, body, future);
      } catch (IOException | RuntimeException e) {
        if (!connections.publishConnection().isOpen()
            || AmqpErrors.isConnectionLevel(e) && !(e instanceof TransportException)) {
          retryLater(e);
        } else {
          future.completeExceptionally(e instanceof TransportException t ? t : AmqpErrors.translate("Cannot " + what(), e));
        }
      } finally {
        release(p, confirm);
      }
    }

    private void retryLater(Exception cause) {
      attempts++;
      long delay = Math.min(1000, 50L << Math.min(attempts, 5)) * 1_000_000L;
      if ((retry != null && attempts > retry) || System.nanoTime() + delay - deadline > 0) {
        String why = connections.isBlocked() && connections.publishConnection().isOpen()
            ? "The broker at " + connections.url() + " blocks publishers (resource alarm: " + connections.blockedReason()
                + "): could not " + what() + " before the deadline"
            : "Not connected to the broker at " + connections.url() + ": could not " + what() + " after " + attempts
                + " attempt(s)" + (cause == null ? "" : " (" + AmqpErrors.describe(cause) + ")");
        future.completeExceptionally(new TransportException(why, cause));
        return;
      }
      connections.timer().schedule(() -> connections.io().execute(this::attempt), delay, TimeUnit.NANOSECONDS);
    }
  }

  private Publisher borrow(boolean confirm) throws IOException {
    ConcurrentLinkedDeque<Publisher> idle = confirm ? idleConfirming : idlePlain;
    Publisher p;
    while ((p = idle.pollFirst()) != null) {
      if (p.isOpen()) {
        return p;
      }
      discard(p);
    }
    p = new Publisher(connections.publishConnection(), confirm, this::returnedWithoutConfirm);
    all.add(p);
    return p;
  }

  private void release(Publisher p, boolean confirm) {
    // a closed channel on a live connection was broken by a channel error: replace it; during a
    // connection outage keep it, amqp-client reopens it with the connection; a channel that got a
    // nack is replaced too (Publisher#refused)
    if (connections.isClosed() || (!p.isOpen() && connections.publishConnection().isOpen()) || p.refused()) {
      discard(p);
    } else {
      (confirm ? idleConfirming : idlePlain).offerFirst(p);
    }
  }

  /**
   * A reply or heartbeat came back unroutable: its reply queue is missing, perhaps while the caller
   * reconnects. Retried every 250 ms until the queue has been missing for the reply retry timeout.
   */
  private void returnedWithoutConfirm(String exchange, String routingKey, byte[] body, String why) {
    if (!exchange.isEmpty() || connections.isClosed()) {
      log.debug("Dropping an unroutable message to exchange '{}': {}", exchange, why);
      return;
    }
    long now = System.nanoTime();
    Outage outage = missingReplyQueues.compute(routingKey, (k, o) ->
        o == null || now - o.lastReturn() > OUTAGE_GAP ? new Outage(now, now) : new Outage(o.since(), now));
    if (missingReplyQueues.size() > 64) {
      // queues that came back (or whose callers left) stop returning: forget them
      missingReplyQueues.values().removeIf(o -> now - o.lastReturn() > settings.replyRetryTimeout.toNanos() + OUTAGE_GAP);
    }
    if (now - outage.since() > settings.replyRetryTimeout.toNanos()) {
      missingReplyQueues.remove(routingKey);
      log.warn("Abandoning a reply to queue '{}', missing for over {} s (the caller is gone?)", routingKey,
          settings.replyRetryTimeout.toSeconds());
      return;
    }
    // the body is as published (compressed already, when compressing)
    AMQP.BasicProperties props = settings.compression == null ? PROPERTIES : COMPRESSED;
    connections.timer().schedule(() -> submit(new Send("", null, null, routingKey, true, props, body,
        System.nanoTime() + 5_000_000_000L, null, false)), 250, TimeUnit.MILLISECONDS);
  }

  private void discard(Publisher p) {
    all.remove(p);
    p.discard();
  }

  private CompletableFuture<Void> submit(Send send) {
    if (send.ready()) {
      send.attempt();
    } else {
      connections.io().execute(send::attempt);
    }
    return send.future;
  }

  /** The body as it goes on the wire: compressed as kombu does with {@code kombu_compression=gzip}. */
  private byte[] wire(byte[] body) {
    if (settings.compression == null) {
      return body;
    }
    Deflater deflater = new Deflater();
    try {
      deflater.setInput(body);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 2));
      byte[] buf = new byte[8192];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private AMQP.BasicProperties properties() {
    return settings.compression == null ? PROPERTIES : COMPRESSED;
  }

  @Override
  public CompletableFuture<Void> send(Target target, byte[] body, SendOptions options) {
    AMQP.BasicProperties props = options.expiration() == null ? properties()
        : properties().builder().expiration(Long.toString(options.expiration().toMillis())).build();
    // a call's reply is its confirmation; casts and mandatory requests wait for the broker's
    boolean confirm = options.expiration() == null || options.mandatory();
    Topology.Exchange x = target.fanout() ? topology.fanoutExchange(target.topic())
        : topology.topicExchange(Routes.exchange(target, controlExchange));
    Send send = new Send(x.name(), "exchange " + x.name(), d -> d.exchange(x), target.fanout() ? ""
        : Routes.routingKey(target), options.mandatory(), props, wire(body), options.deadline(), options.retry(), confirm);
    return submit(send);
  }

  /**
   * Publishes without confirm (a reply's delivery shows in the caller, not here); when the reply queue
   * is missing the broker returns it and {@link #returnedWithoutConfirm} retries it, as oslo retries
   * every 0.25 s (WIRE.md 3.2) in case the caller is reconnecting.
   */
  @Override
  public CompletableFuture<Void> sendReply(String queue, byte[] body) {
    return submit(new Send("", null, null, queue, true, properties(), wire(body), System.nanoTime() + 5_000_000_000L,
        null, false));
  }

  @Override
  public CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body, SendOptions options) {
    Topology.Exchange x = topology.topicExchange(Routes.exchange(target, controlExchange));
    String key = Routes.notificationKey(target.topic(), priority);
    Topology.Queue q = topology.notificationQueue(key);
    // oslo declares the exchange and a queue named after the key before its first publish with it
    return submit(new Send(x.name(), "queue " + x.name() + " -> " + key, d -> {
      d.exchange(x);
      d.queue(q);
      d.bind(key, x.name(), key);
    }, key, options.mandatory(), properties(), wire(body), options.deadline(), options.retry(), true));
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
      }, topology.consumerArguments(q), false));
    }
    queues.add(new Subscription.QueueSpec(fanout, d -> {
      d.exchange(fanoutX);
      Declarer.Declared declared = d.queue(fanout);
      d.bind(fanout.name(), fanoutX.name(), topic);
      return declared;
    }, topology.consumerArguments(fanout), false));
    return started(subscription("RPC server on " + target, settings.prefetch, queues, handler, null));
  }

  @Override
  public DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                               MessageHandler handler) {
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
    return started(subscription("notification listener on " + bindings.keySet(), settings.prefetch, queues, handler,
        null));
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
      all.forEach(Publisher::discard);
    });
  }

  @Override
  public String toString() {
    return "AmqpDriver{" + connections.url() + "}";
  }
}
