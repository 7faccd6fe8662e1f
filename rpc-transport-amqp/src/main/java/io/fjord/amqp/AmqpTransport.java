package io.fjord.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.fjord.rpc.Target;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.spi.DriverListener;
import io.fjord.rpc.spi.DriverTransport;
import io.fjord.rpc.spi.MessageHandler;
import io.fjord.rpc.spi.ReplyHandler;
import io.fjord.rpc.spi.Routes;
import io.fjord.rpc.spi.SendOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ driver transport: two connections, as oslo keeps sending apart from listening
 * (publishes on one, so broker flow control on publishers never stalls consumers; every consumer
 * on the other), a pool of confirm-mode publishing channels borrowed one thread at a time, and the
 * topology of WIRE.md.
 *
 * <p>Never blocks a caller on the broker: a publish runs on the caller's thread only when the
 * connection is up and the exchange known; otherwise it goes to an I/O thread that declares the
 * exchange, or waits for the connection to come back, until the send's deadline. Thread-safe.
 */
final class AmqpTransport implements DriverTransport {
  private static final Logger log = LoggerFactory.getLogger(AmqpTransport.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties.Builder()
      .contentType("application/json").contentEncoding("utf-8").headers(Map.of()).deliveryMode(2).priority(0).build();

  private final TransportUrl url;
  private final AmqpSettings settings;
  private final String controlExchange;
  private final java.time.Duration closeTimeout;
  private final Connection publishConnection;
  private final Connection consumeConnection;
  private final ExecutorService io;
  private final ScheduledExecutorService timer;
  /** Confirm-mode channels: casts, notifications, mandatory requests. */
  private final ConcurrentLinkedDeque<Publisher> idleConfirming = new ConcurrentLinkedDeque<>();
  /**
   * Channels without confirms: call requests (the reply is the confirmation) and replies and
   * heartbeats (a missing reply queue shows as a basic.return, retried; WIRE.md 3.2).
   */
  private final ConcurrentLinkedDeque<Publisher> idlePlain = new ConcurrentLinkedDeque<>();
  /** Reply queue -> when a reply to it first came back unroutable. */
  private final Map<String, Long> missingReplyQueues = new ConcurrentHashMap<>();
  private final Set<Publisher> all = ConcurrentHashMap.newKeySet();
  private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Object adminLock = new Object();
  private Channel admin;
  private volatile boolean blocked;
  private volatile String blockedReason;
  private volatile boolean closed;
  private volatile ReplyHandler replyHandler;
  private volatile String replyQueue;

  AmqpTransport(TransportUrl url, TransportOptions options) {
    this.url = url;
    this.settings = AmqpSettings.from(url);
    this.controlExchange = options.controlExchange();
    this.closeTimeout = options.closeTimeout();
    int id = IDS.incrementAndGet();
    this.io = Executors.newCachedThreadPool(daemon("fjord-amqp-io-" + id + "-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("fjord-amqp-timer-" + id + "-"));
    ConnectionFactory factory = ConnectionFactories.create(url, settings);
    List<Address> addresses = ConnectionFactories.addresses(url, settings);
    // keep the URL's order: amqp-client shuffles by default, which defeats a primary/standby list
    AddressResolver inOrder = new AddressResolver() {
      @Override
      public List<Address> getAddresses() {
        return addresses;
      }

      @Override
      public List<Address> maybeShuffle(List<Address> input) {
        return input;
      }
    };
    String name = options.connectionName();
    Connection pub = null;
    try {
      pub = factory.newConnection(null, inOrder, name + ":publish");
      this.publishConnection = pub;
      this.consumeConnection = factory.newConnection(null, inOrder, name + ":consume");
    } catch (IOException | TimeoutException | RuntimeException e) {
      if (pub != null) {
        pub.abort(1000);
      }
      io.shutdownNow();
      timer.shutdownNow();
      throw AmqpErrors.translate("Cannot connect to " + url, e);
    }
    publishConnection.addBlockedListener(reason -> {
      blockedReason = reason;
      blocked = true;
      log.warn("The broker blocks publishing on {}: {}", url, reason);
    }, () -> {
      blocked = false;
      log.info("The broker unblocked publishing on {}", url);
    });
    ((Recoverable) publishConnection).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable recoverable) {
        declaredExchanges.clear();
        log.info("Publishing connection to {} recovered", url);
      }

      @Override
      public void handleRecoveryStarted(Recoverable recoverable) {
        declaredExchanges.clear();
      }
    });
    consumeConnection.addShutdownListener(cause -> {
      if (!cause.isInitiatedByApplication()) {
        log.warn("Lost the consuming connection to {}: {}; reconnecting", url, AmqpErrors.describe(cause));
        ReplyHandler h = replyHandler;
        if (h != null) {
          h.onReplyPathLost(new TransportException("connection lost: " + AmqpErrors.describe(cause), cause));
        }
      }
    });
    ((Recoverable) consumeConnection).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable recoverable) {
        log.info("Consuming connection to {} recovered; re-declaring queues", url);
        io.execute(() -> subscriptions.forEach(Subscription::recover));
      }

      @Override
      public void handleRecoveryStarted(Recoverable recoverable) {
        // nothing: calls waiting on replies were failed when the connection dropped
      }
    });
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  AmqpSettings settings() {
    return settings;
  }

  // ------------------------------------------------------------------ sending

  /** One message on its way to the broker, retried while the connection is down. */
  private final class Send {
    final String exchange;
    final String exchangeType; // null: do not declare (default exchange)
    final String routingKey;
    final boolean mandatory;
    final AMQP.BasicProperties props;
    final byte[] body;
    final long deadline;
    final Integer retry;
    final boolean confirm;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    int attempts;

    Send(String exchange, String exchangeType, String routingKey, boolean mandatory, AMQP.BasicProperties props,
         byte[] body, long deadline, Integer retry, boolean confirm) {
      this.confirm = confirm && settings.confirms;
      this.exchange = exchange;
      this.exchangeType = exchangeType;
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

    /** What {@link #declaredExchanges} holds once this send's declarations are done. */
    String declarationKey() {
      return exchangeType != null && exchangeType.startsWith("notify:")
          ? exchange + " -> " + exchangeType.substring("notify:".length()) : exchange;
    }

    boolean ready() {
      return (exchangeType == null || declaredExchanges.contains(declarationKey())) && publishConnection.isOpen() && !blocked;
    }

    /** Publishes now; on a broken connection schedules another attempt. Runs on any thread. */
    void attempt() {
      if (closed) {
        future.completeExceptionally(new TransportException("Transport " + url + " is closed"));
        return;
      }
      if (!publishConnection.isOpen() || blocked) {
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
        if (exchangeType != null && !declaredExchanges.contains(declarationKey())) {
          declareExchange(exchange, exchangeType);
        }
        p.publish(exchange, routingKey, mandatory, props, body, future);
      } catch (IOException | RuntimeException e) {
        if (!publishConnection.isOpen() || AmqpErrors.isConnectionLevel(e) && !(e instanceof TransportException)) {
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
        String why = blocked && publishConnection.isOpen()
            ? "The broker at " + url + " blocks publishers (resource alarm: " + blockedReason + "): could not " + what()
                + " before the deadline"
            : "Not connected to the broker at " + url + ": could not " + what() + " after " + attempts + " attempt(s)"
                + (cause == null ? "" : " (" + AmqpErrors.describe(cause) + ")");
        future.completeExceptionally(new TransportException(why, cause));
        return;
      }
      timer.schedule(() -> io.execute(this::attempt), delay, TimeUnit.NANOSECONDS);
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
    p = new Publisher(publishConnection, confirm, this::returnedWithoutConfirm);
    all.add(p);
    return p;
  }

  private void release(Publisher p, boolean confirm) {
    // a closed channel on a live connection was broken by a channel error: replace it; during a
    // connection outage keep it, amqp-client reopens it with the connection; a channel that got a
    // nack is replaced too (Publisher#refused)
    if (closed || (!p.isOpen() && publishConnection.isOpen()) || p.refused()) {
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
    if (!exchange.isEmpty() || closed) {
      log.debug("Dropping an unroutable message to exchange '{}': {}", exchange, why);
      return;
    }
    long now = System.nanoTime();
    long since = missingReplyQueues.computeIfAbsent(routingKey, k -> now);
    if (now - since > settings.replyRetryTimeout.toNanos()) {
      missingReplyQueues.remove(routingKey, since);
      log.warn("Abandoning a reply to queue '{}', missing for over {} s (the caller is gone?)", routingKey,
          settings.replyRetryTimeout.toSeconds());
      return;
    }
    timer.schedule(() -> submit(new Send("", null, routingKey, true, PROPERTIES, body,
        System.nanoTime() + 5_000_000_000L, null, false)), 250, TimeUnit.MILLISECONDS);
  }

  private void discard(Publisher p) {
    all.remove(p);
    p.discard();
  }

  private void declareExchange(String name, String type) throws IOException {
    if (type.startsWith("notify:")) {
      declareNotificationQueue(name, type.substring("notify:".length()));
      return;
    }
    synchronized (adminLock) {
      if (admin == null || !admin.isOpen()) {
        if (admin != null) {
          try {
            admin.abort();
          } catch (IOException | RuntimeException ignored) {
            // broken already
          }
        }
        admin = publishConnection.createChannel();
      }
      try {
        if (type.equals("fanout")) {
          Topology.fanoutExchange(admin, name);
        } else {
          Topology.topicExchange(admin, name, settings);
        }
      } catch (IOException | RuntimeException e) {
        if (!AmqpErrors.isConnectionLevel(e)) {
          throw AmqpErrors.translate("Cannot declare " + type + " exchange '" + name + "' (durable="
              + (type.equals("fanout") ? "false, auto_delete=true" : settings.durable + ", auto_delete=" + settings.autoDelete)
              + "); an existing exchange with other flags causes this", e);
        }
        throw e;
      }
      declaredExchanges.add(name);
    }
  }

  private void declareNotificationQueue(String exchange, String key) throws IOException {
    synchronized (adminLock) {
      declareExchange(exchange, "topic");
      try {
        Topology.sharedQueue(admin, key, settings);
        admin.queueBind(key, exchange, key);
      } catch (IOException | RuntimeException e) {
        declaredExchanges.remove(exchange);
        if (!AmqpErrors.isConnectionLevel(e)) {
          throw AmqpErrors.translate("Cannot declare notification queue '" + key + "' (durable=" + settings.durable
              + ", auto_delete=" + settings.autoDelete + "); an existing queue with other flags causes this", e);
        }
        throw e;
      }
      declaredExchanges.add(exchange + " -> " + key);
    }
  }

  private CompletableFuture<Void> submit(Send send) {
    if (send.ready()) {
      send.attempt();
    } else {
      io.execute(send::attempt);
    }
    return send.future;
  }

  @Override
  public CompletableFuture<Void> send(Target target, byte[] body, SendOptions options) {
    AMQP.BasicProperties props = options.expiration() == null ? PROPERTIES
        : PROPERTIES.builder().expiration(Long.toString(options.expiration().toMillis())).build();
    // a call's reply is its confirmation; casts and mandatory requests wait for the broker's
    boolean confirm = options.expiration() == null || options.mandatory();
    Send send = target.fanout()
        ? new Send(Routes.fanoutExchange(target.topic()), "fanout", "", options.mandatory(), props, body,
            options.deadline(), options.retry(), confirm)
        : new Send(Routes.exchange(target, controlExchange), "topic", Routes.routingKey(target), options.mandatory(),
            props, body, options.deadline(), options.retry(), confirm);
    return submit(send);
  }

  /**
   * Publishes without confirm (a reply's delivery shows in the caller, not here); when the reply queue
   * is missing the broker returns it and {@link #returnedWithoutConfirm} retries it, as oslo retries
   * every 0.25 s (WIRE.md 3.2) in case the caller is reconnecting.
   */
  @Override
  public CompletableFuture<Void> sendReply(String queue, byte[] body) {
    return submit(new Send("", null, queue, true, PROPERTIES, body, System.nanoTime() + 5_000_000_000L, null, false));
  }

  @Override
  public CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body, SendOptions options) {
    String exchange = Routes.exchange(target, controlExchange);
    String key = Routes.notificationKey(target.topic(), priority);
    // oslo declares the exchange and a queue named after the key before its first publish with it
    return submit(new Send(exchange, "notify:" + key, key, options.mandatory(), PROPERTIES, body, options.deadline(),
        options.retry(), true));
  }

  // ------------------------------------------------------------------ consuming

  @Override
  public synchronized String openReplyQueue(ReplyHandler handler) {
    if (replyQueue != null) {
      throw new IllegalStateException("reply queue already open");
    }
    ensureOpen();
    String name = Routes.replyQueue(UUID.randomUUID().toString().replace("-", ""));
    Subscription s = new Subscription("reply queue " + name, consumeConnection, 0,
        List.of(new Subscription.QueueSpec(name, ch -> Topology.transientQueue(ch, name, settings), true, true)),
        handler::onReply, io,
        () -> handler.onReplyPathLost(new TransportException("reply queue " + name + " was deleted")));
    this.replyHandler = handler;
    s.start();
    subscriptions.add(s);
    replyQueue = name;
    return name;
  }

  @Override
  public DriverListener listen(Target target, MessageHandler handler) {
    ensureOpen();
    String exchange = Routes.exchange(target, controlExchange);
    String topic = target.topic();
    String serverQueue = Routes.routingKey(target);
    String fanoutExchange = Routes.fanoutExchange(topic);
    String fanoutQueue = Routes.fanoutQueue(topic, UUID.randomUUID().toString().replace("-", ""));
    List<Subscription.QueueSpec> queues = new ArrayList<>();
    queues.add(new Subscription.QueueSpec(topic, ch -> {
      Topology.topicExchange(ch, exchange, settings);
      Topology.sharedQueue(ch, topic, settings);
      ch.queueBind(topic, exchange, topic);
    }, false));
    queues.add(new Subscription.QueueSpec(serverQueue, ch -> {
      Topology.sharedQueue(ch, serverQueue, settings);
      ch.queueBind(serverQueue, exchange, serverQueue);
    }, false));
    queues.add(new Subscription.QueueSpec(fanoutQueue, ch -> {
      Topology.fanoutExchange(ch, fanoutExchange);
      Topology.transientQueue(ch, fanoutQueue, settings);
      ch.queueBind(fanoutQueue, fanoutExchange, topic);
    }, true));
    Subscription s = new Subscription("RPC server on " + target, consumeConnection, settings.prefetch, queues, handler,
        io, null);
    return started(s);
  }

  @Override
  public DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                               MessageHandler handler) {
    ensureOpen();
    // queue -> (exchange, binding key) pairs
    Map<String, List<String[]>> bindings = new java.util.LinkedHashMap<>();
    for (Target t : targets) {
      String exchange = Routes.exchange(t, controlExchange);
      for (String p : priorities) {
        String key = Routes.notificationKey(t.topic(), p);
        bindings.computeIfAbsent(pool != null ? pool : key, q -> new ArrayList<>()).add(new String[] {exchange, key});
      }
    }
    List<Subscription.QueueSpec> queues = new ArrayList<>();
    bindings.forEach((queue, binds) -> queues.add(new Subscription.QueueSpec(queue, ch -> {
      Topology.sharedQueue(ch, queue, settings);
      for (String[] b : binds) {
        Topology.topicExchange(ch, b[0], settings);
        ch.queueBind(queue, b[0], b[1]);
      }
    }, false)));
    Subscription s = new Subscription("notification listener on " + bindings.keySet(), consumeConnection,
        settings.prefetch, queues, handler, io, null);
    return started(s);
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
      public void close() {
        s.close();
        subscriptions.remove(s);
      }
    };
  }

  private void ensureOpen() {
    if (closed) {
      throw new TransportException("Transport " + url + " is closed");
    }
    if (!consumeConnection.isOpen()) {
      throw new TransportException("Not connected to the broker at " + url + " (reconnecting)");
    }
  }

  // ------------------------------------------------------------------ closing

  /**
   * Cancels consumers, deletes owned queues and closes both connections gracefully within the
   * transport's close timeout; whatever is still hanging then (a frozen broker) is aborted.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Void> graceful = CompletableFuture.runAsync(() -> {
      subscriptions.forEach(Subscription::close);
      subscriptions.clear();
      all.forEach(Publisher::discard);
      int ms = (int) Math.min(5000, Math.max(1000, settings.connectionTimeout.toMillis()));
      for (Connection c : new Connection[] {consumeConnection, publishConnection}) {
        try {
          c.close(ms);
        } catch (IOException | RuntimeException e) {
          c.abort(ms);
        }
      }
    }, io);
    try {
      graceful.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      log.warn("Closing {} took longer than {} ms; aborting the connections", url, closeTimeout.toMillis());
    } catch (java.util.concurrent.ExecutionException e) {
      log.warn("Error closing {}: {}", url, AmqpErrors.describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumeConnection.abort(1000);
      publishConnection.abort(1000);
      io.shutdownNow();
      timer.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "AmqpTransport{" + url + "}";
  }
}
