package io.fjord.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.internal.ConsumerLifecycle;
import io.fjord.rpc.internal.RecentIds;
import io.fjord.rpc.internal.TransportCore;
import io.fjord.rpc.spi.IncomingMessage;
import io.fjord.rpc.spi.SendOptions;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.WireFormatException;
import io.fjord.rpc.wire.WireNotification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives notifications and hands them to endpoint objects by priority, as oslo.messaging's
 * {@code NotificationListener}: for every target (topic, optional exchange) and every priority an
 * endpoint handles, it consumes the queue {@code <topic>.<priority>}, or the pool's queue when a
 * pool is set (listeners of one pool share the stream; each pool gets all of it).
 *
 * <p>Delivery is at-least-once: a message is acknowledged after its endpoints returned. An endpoint
 * returning {@link NotificationResult#REQUEUE} or throwing asks for redelivery, which happens only
 * when requeue is allowed (otherwise the message is acknowledged and dropped, as oslo does). A
 * message requeued more than {@code maxRedeliveries} times (or than the broker's delivery limit, when
 * lower) is sent to the dead-letter topic, or rejected with an error log when none is set (dropped, or
 * dead-lettered by the broker when its queue has a dead-letter exchange): a poison message never
 * loops forever. Messages that
 * cannot be decoded are rejected without requeue; unknown priorities and duplicates (by
 * {@code _unique_id}, last 16) are acknowledged and dropped; the listener keeps running.
 *
 * <p>A batch listener ({@link Builder#batch}) delivers lists of up to {@code size} notifications
 * per priority, or what arrived within {@code timeout}; each message is settled individually.
 *
 * <p>Lifecycle as {@link io.fjord.rpc.server.RpcServer}: start, stop, awaitTermination, close.
 * Endpoints run on the executor (default 64 named threads), never on driver threads. On the default
 * executor notifications are handled concurrently, so endpoints may see them in another order than they
 * were sent; a single-thread executor ({@link Builder#executor}) handles them one at a time, in the order
 * each queue delivers them (what oslo's listener on its eventlet executor does). Thread-safe.
 */
public final class NotificationListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
  private static final int DUPLICATE_WINDOW = 16;
  private static final int REDELIVERY_MEMORY = 10_000;

  /** @param key redelivery-count key; @param uniqueId the {@code _unique_id}, remembered once acked */
  private record Pending(ReceivedNotification notification, IncomingMessage message, String key, String uniqueId) {
  }

  private final TransportCore core;
  private final List<Target> targets;
  private final List<NotificationEndpoint> endpoints;
  private final String pool;
  private final boolean allowRequeue;
  private final int maxRedeliveries;
  /** maxRedeliveries, lowered to the broker's delivery limit of the queues when that is lower. */
  private volatile int redeliveryLimit;
  private final String deadLetterTopic;
  private final int batchSize;
  private final Duration batchTimeout;
  private final ConsumerLifecycle lifecycle;
  private final NotificationObserver observer;
  private final RecentIds recentIds = new RecentIds(DUPLICATE_WINDOW);
  private final Map<String, Integer> redeliveries = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > REDELIVERY_MEMORY;
    }
  };
  private final List<Pending> batch = new ArrayList<>();
  private ScheduledFuture<?> batchTimer;

  private NotificationListener(Builder b) {
    this.core = b.transport.core();
    this.targets = List.copyOf(b.targets);
    this.pool = b.pool;
    this.allowRequeue = b.allowRequeue;
    this.maxRedeliveries = b.maxRedeliveries;
    this.redeliveryLimit = b.maxRedeliveries;
    this.deadLetterTopic = b.deadLetterTopic;
    this.batchSize = b.batchSize;
    this.batchTimeout = b.batchTimeout;
    List<NotificationEndpoint> eps = new ArrayList<>();
    for (int i = 0; i < b.endpoints.size(); i++) {
      eps.add(NotificationEndpoint.of(b.endpoints.get(i), b.filters.get(i), batchSize > 0, core.serializer()));
    }
    this.endpoints = List.copyOf(eps);
    this.observer = b.observer;
    this.lifecycle = new ConsumerLifecycle("NotificationListener on " + targets, core, this, b.executor,
        "fjord-notify");
  }

  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /** The priorities at least one endpoint handles: the queues this listener binds. */
  public Set<Priority> priorities() {
    Set<Priority> all = new LinkedHashSet<>();
    endpoints.forEach(e -> all.addAll(e.priorities()));
    return all;
  }

  /** True between {@link #start()} and {@link #stop()}. */
  public boolean isRunning() {
    return lifecycle.isRunning();
  }

  /** Declares and binds the queues and starts consuming. */
  public void start() {
    Set<String> names = new LinkedHashSet<>();
    priorities().forEach(p -> names.add(p.routingName()));
    lifecycle.start(() -> {
      // a batch listener holds up to batchSize unsettled: the driver must let that many through
      io.fjord.rpc.spi.DriverListener l = core.driver().listenForNotifications(targets, names, pool, batchSize,
          this::onMessage);
      java.util.OptionalInt limit = l.deliveryLimit();
      redeliveryLimit = limit.isPresent() ? Math.min(maxRedeliveries, limit.getAsInt()) : maxRedeliveries;
      if (allowRequeue && limit.isPresent() && limit.getAsInt() < maxRedeliveries) {
        log.warn("maxRedeliveries {} of {} is above the broker's delivery limit of its queues ({}; RabbitMQ 4's quorum "
            + "default is 20): a notification is settled as poison after {} redeliveries", maxRedeliveries, this,
            limit.getAsInt(), limit.getAsInt());
      }
      return l;
    });
  }

  /** Stops consuming; notifications already received are still processed (a pending batch is flushed). */
  public void stop() {
    if (lifecycle.stop()) {
      flushBatch();
    }
  }

  /**
   * Waits until stopped and every received notification has been settled.
   *
   * @throws IllegalStateException when still running
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return lifecycle.awaitTermination(timeout);
  }

  /**
   * Stops, waits up to the transport's close timeout, releases the consumers; notifications not
   * settled by then go back to their queues. Idempotent.
   */
  @Override
  public void close() {
    lifecycle.close(this::flushBatch);
  }

  // ------------------------------------------------------------------ processing

  private void onMessage(IncomingMessage message) {
    lifecycle.execute(message, () -> {
      try {
        receive(message);
      } catch (RuntimeException | Error e) {
        log.error("Unexpected error handling a notification; requeueing it", e);
        settle(message, null, true);
      }
    });
  }

  private void receive(IncomingMessage message) {
    WireNotification m;
    try {
      m = OsloWire.decodeNotification(message.body());
    } catch (WireFormatException e) {
      log.warn("Rejecting an undecodable notification from {}: {}", message.source(), e.getMessage());
      message.reject(false);
      lifecycle.done();
      return;
    }
    Priority priority;
    try {
      priority = Priority.parse(m.priority());
    } catch (IllegalArgumentException e) {
      log.warn("Dropping a notification from {} with unknown priority {}", message.source(), m.priority());
      message.ack();
      lifecycle.done();
      return;
    }
    String uniqueId = m.uniqueId();
    String key = uniqueId != null ? uniqueId : m.messageId();
    // only acknowledged ids count: a requeued message comes back with the same _unique_id
    if (uniqueId != null && recentIds.contains(uniqueId)) {
      log.debug("Dropping duplicate notification {}", uniqueId);
      message.ack();
      lifecycle.done();
      return;
    }
    RequestContext context = m.context().with("client_timeout", null);
    ReceivedNotification n = new ReceivedNotification(context, m.publisherId(), m.eventType(), priority, m.payload(),
        new ReceivedNotification.Metadata(m.messageId(), m.timestamp()));
    if (batchSize > 0) {
      addToBatch(new Pending(n, message, key, uniqueId));
      return;
    }
    boolean requeue = dispatch(n);
    settle(message, new Pending(n, message, key, uniqueId), requeue);
  }

  /** @return true when some endpoint asked for a requeue (or failed) */
  private boolean dispatch(ReceivedNotification n) {
    for (NotificationEndpoint e : endpoints) {
      if (!e.handles(n.priority()) || !e.filter.matches(n)) {
        continue;
      }
      try {
        if (e.deliver(n, core.serializer()) == NotificationResult.REQUEUE) {
          return true;
        }
      } catch (Throwable t) {
        if (t instanceof VirtualMachineError vme) {
          throw vme;
        }
        log.error("Endpoint {} failed on notification {} ({})", e, n.eventType(), n.metadata().messageId(), t);
        return true;
      }
    }
    return false;
  }

  private void settle(IncomingMessage message, Pending p, boolean requeue) {
    try {
      String key = p == null ? null : p.key;
      ReceivedNotification n = p == null ? null : p.notification;
      if (!requeue) {
        forget(key);
        remember(p);
        message.ack();
        observer.settled(n, NotificationObserver.Outcome.HANDLED);
        return;
      }
      if (!allowRequeue) {
        log.warn("Notification {} asked for a requeue but this listener does not allow requeue; dropping it",
            p == null ? "?" : p.notification.eventType());
        forget(key);
        message.ack();
        observer.settled(n, NotificationObserver.Outcome.DROPPED);
        return;
      }
      int count;
      synchronized (redeliveries) {
        count = key == null ? 1 : redeliveries.merge(key, 1, Integer::sum);
      }
      if (message.deliveryCount() >= 0) {
        // the broker's count survives listener restarts and counts other listeners' attempts
        count = (int) Math.max(count, Math.min(Integer.MAX_VALUE, message.deliveryCount() + 1));
      }
      if (count <= redeliveryLimit) {
        message.reject(true);
        observer.settled(n, NotificationObserver.Outcome.REQUEUED);
        return;
      }
      forget(key);
      poison(message, p);
    } finally {
      lifecycle.done();
    }
  }

  private void forget(String key) {
    if (key != null) {
      synchronized (redeliveries) {
        redeliveries.remove(key);
      }
    }
  }

  private void poison(IncomingMessage message, Pending p) {
    String what = p == null ? "a notification" : "notification " + p.notification.eventType() + " ("
        + p.notification.metadata().messageId() + ")";
    if (deadLetterTopic == null) {
      log.error("Dropping {} after {} redeliveries (no dead-letter topic configured; the broker dead-letters it when "
          + "its queue has a dead-letter exchange)", what, redeliveryLimit);
      message.reject(false);
      observer.settled(p == null ? null : p.notification, NotificationObserver.Outcome.DROPPED);
      return;
    }
    String priority = p == null ? Priority.ERROR.routingName() : p.notification.priority().routingName();
    io.fjord.rpc.Deadline deadline = core.deadline(Duration.ofSeconds(10));
    try {
      core.driver().sendNotification(Target.topic(deadLetterTopic), priority, message.body(),
          new SendOptions(null, false, null, deadline)).get(10, TimeUnit.SECONDS);
      log.error("Moved {} to dead-letter topic {} after {} redeliveries", what, deadLetterTopic, redeliveryLimit);
      message.ack();
      observer.settled(p == null ? null : p.notification, NotificationObserver.Outcome.DEAD_LETTERED);
    } catch (Exception e) {
      log.error("Could not move {} to dead-letter topic {}: {}; requeueing it", what, deadLetterTopic, e.toString());
      message.reject(true);
    }
  }

  private void remember(Pending p) {
    if (p != null && p.uniqueId != null) {
      recentIds.add(p.uniqueId);
    }
  }

  // ------------------------------------------------------------------ batches

  private void addToBatch(Pending p) {
    List<Pending> full = null;
    synchronized (batch) {
      batch.add(p);
      if (batch.size() >= batchSize) {
        full = takeBatch();
      } else if (batchTimer == null) {
        batchTimer = core.timer().schedule(this::flushBatch, batchTimeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    if (full != null) {
      deliverBatch(full);
    }
  }

  private List<Pending> takeBatch() {
    List<Pending> out = new ArrayList<>(batch);
    batch.clear();
    if (batchTimer != null) {
      batchTimer.cancel(false);
      batchTimer = null;
    }
    return out;
  }

  private void flushBatch() {
    List<Pending> out;
    synchronized (batch) {
      if (batch.isEmpty()) {
        batchTimer = null;
        return;
      }
      out = takeBatch();
    }
    try {
      lifecycle.executor().execute(() -> deliverBatch(out));
    } catch (RejectedExecutionException e) {
      deliverBatch(out);
    }
  }

  private void deliverBatch(List<Pending> items) {
    Map<Priority, List<Pending>> byPriority = new EnumMap<>(Priority.class);
    for (Pending p : items) {
      byPriority.computeIfAbsent(p.notification.priority(), k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<Priority, List<Pending>> group : byPriority.entrySet()) {
      boolean requeue = false;
      for (NotificationEndpoint e : endpoints) {
        if (!e.handles(group.getKey())) {
          continue;
        }
        List<ReceivedNotification> list = new ArrayList<>();
        for (Pending p : group.getValue()) {
          if (e.filter.matches(p.notification)) {
            list.add(p.notification);
          }
        }
        if (list.isEmpty()) {
          continue;
        }
        try {
          if (e.deliverBatch(group.getKey(), List.copyOf(list)) == NotificationResult.REQUEUE) {
            requeue = true;
          }
        } catch (Throwable t) {
          if (t instanceof VirtualMachineError vme) {
            throw vme;
          }
          log.error("Endpoint {} failed on a batch of {} notifications", e, list.size(), t);
          requeue = true;
        }
      }
      for (Pending p : group.getValue()) {
        settle(p.message, p, requeue);
      }
    }
  }

  @Override
  public String toString() {
    return "NotificationListener{targets=" + targets + ", pool=" + pool + ", state=" + lifecycle + "}";
  }

  /** Builds a {@link NotificationListener}; not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private final List<Target> targets = new ArrayList<>();
    private final List<Object> endpoints = new ArrayList<>();
    private final List<NotificationFilter> filters = new ArrayList<>();
    private String pool;
    private boolean allowRequeue;
    private int maxRedeliveries = 5;
    private String deadLetterTopic;
    private int batchSize;
    private Duration batchTimeout;
    private Executor executor;
    private NotificationObserver observer = NotificationObserver.NONE;

    private Builder(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** A topic to listen on, with the target's exchange or the control exchange. */
    public Builder target(Target target) {
      Objects.requireNonNull(target, "target");
      if (target.topic() == null) {
        throw new io.fjord.rpc.InvalidTargetException("A notification listener target needs a topic, got " + target, target);
      }
      targets.add(target);
      return this;
    }

    /** Adds an endpoint that sees every notification of its priorities. */
    public Builder endpoint(Object endpoint) {
      return endpoint(endpoint, NotificationFilter.ALL);
    }

    /** Adds an endpoint that sees only notifications passing {@code filter}. */
    public Builder endpoint(Object endpoint, NotificationFilter filter) {
      endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /** Listeners with the same pool share one queue named after the pool. */
    public Builder pool(String pool) {
      this.pool = pool;
      return this;
    }

    /** Whether REQUEUE results and endpoint exceptions redeliver the message (oslo's allow_requeue). Default false. */
    public Builder allowRequeue(boolean allowRequeue) {
      this.allowRequeue = allowRequeue;
      return this;
    }

    /**
     * Redeliveries before a message counts as poison (then it goes to the dead-letter topic, or is
     * rejected: dropped, or dead-lettered by the broker when its queue has a dead-letter exchange).
     * Default 5. Where the broker itself limits deliveries (RabbitMQ quorum queues:
     * {@code rabbit_quorum_delivery_limit}, by default 20 since RabbitMQ 4.0) and its limit is lower, the
     * listener settles poison at the broker's limit instead, so a message is never dropped by the
     * broker behind the dead-letter topic's back; the count is the broker's own where it keeps one
     * ({@code x-delivery-count}), so it survives listener restarts.
     */
    public Builder maxRedeliveries(int maxRedeliveries) {
      if (maxRedeliveries < 0) {
        throw new IllegalArgumentException("maxRedeliveries must be >= 0, got " + maxRedeliveries);
      }
      this.maxRedeliveries = maxRedeliveries;
      return this;
    }

    /** Topic that poison messages are re-sent to (same priority, same body); default none (dropped and logged). */
    public Builder deadLetterTopic(String topic) {
      this.deadLetterTopic = topic;
      return this;
    }

    /**
     * Deliver lists of up to {@code size} notifications per priority, or what arrived within
     * {@code timeout} of the first. Endpoint methods then take {@code List<ReceivedNotification>}.
     * On RabbitMQ the listener's consumers get a prefetch of at least {@code size} (the transport's
     * {@code rabbit_qos_prefetch_count}, 64 by default, when that is larger; none when it is 0), so a batch can
     * fill before its timeout.
     */
    public Builder batch(int size, Duration timeout) {
      if (size < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + size);
      }
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("batch timeout must be positive, got " + timeout);
      }
      this.batchSize = size;
      this.batchTimeout = timeout;
      return this;
    }

    /**
     * Runs endpoints on {@code executor} (not shut down by the listener). Default: 64 named daemon threads,
     * which may handle notifications out of order; a single-thread executor keeps each queue's order.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Tells {@code observer} what became of every notification (for metrics). */
    public Builder observer(NotificationObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    public NotificationListener build() {
      if (targets.isEmpty()) {
        throw new IllegalStateException("A NotificationListener needs at least one target (builder.target(Target.topic(\"notifications\")))");
      }
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("A NotificationListener needs at least one endpoint (builder.endpoint(...))");
      }
      TransportCore core = transport.core();
      core.require(io.fjord.rpc.Capability.NOTIFICATIONS, "NotificationListener for " + targets);
      if (allowRequeue) {
        core.require(io.fjord.rpc.Capability.REQUEUE, "NotificationListener for " + targets + " with allowRequeue");
      }
      return new NotificationListener(this);
    }
  }
}
