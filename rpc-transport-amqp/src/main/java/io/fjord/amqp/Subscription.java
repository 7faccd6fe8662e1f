package io.fjord.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.spi.DriverListener;
import io.fjord.rpc.spi.MessageHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers of one RPC server, notification listener or reply queue: its queues declared (with
 * exchanges and bindings) through the connection's {@link Declarer}, and consumed on one channel of
 * its own.
 *
 * <p>Fjord re-declares and re-consumes itself after a connection recovery and when the broker
 * cancels a consumer (its queue was deleted, or its node failed over), instead of amqp-client's
 * topology recovery, so queue names never change and nothing stale is recorded. A queue that cannot be
 * subscribed again (an exclusive queue still held for the lost connection, a quorum queue without a
 * leader yet) is retried every recovery interval until it works or the subscription closes. A stream
 * (oslo's {@code rabbit_stream_fanout}) is consumed from {@code next} and, after a reconnect, from the
 * offset after the last message seen, so nothing is delivered twice and nothing published while
 * connected is missed. Thread-safe.
 */
final class Subscription implements DriverListener {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);
  static final String JSON = "application/json";

  /** Declares one queue and what it is bound to; returns how the queue's declaration went. */
  @FunctionalInterface
  interface Declaration {
    Declarer.Declared declare(Declarer declarer) throws IOException;
  }

  /**
   * A queue to consume. {@code autoAck} consumers get messages acknowledged on delivery (replies: a
   * lost reply is lost with its caller anyway).
   */
  record QueueSpec(Topology.Queue queue, Declaration declaration, Map<String, Object> consumerArguments,
                   boolean autoAck) {
    String name() {
      return queue.name();
    }
  }

  /** Timing of re-subscriptions, from the transport's settings. */
  record Timing(Duration recoveryInterval, Duration reconnectDelay, Duration reconnectSplay) {
  }

  /** The consumer channel and its acknowledgements; replaced as a whole when the channel breaks. */
  private record Lane(Channel channel, Acks acks) {
  }

  private final String description;
  private final Connection connection;
  private final int prefetch;
  private final Declarer declarer;
  private final List<QueueSpec> queues;
  /** Re-subscriptions, one at a time, off the caller's and amqp-client's threads. */
  private final Executor serial;
  private final MessageHandler handler;
  private final Executor io;
  private final ScheduledExecutorService timer;
  private final Timing timing;
  private final Runnable onQueueLost;
  /** Called instead of retrying when this subscription should be given up (see {@link #giveUpWhenStuck}). */
  private volatile Runnable onStuck;
  private final Map<String, String> tags = new ConcurrentHashMap<>();
  /** Queues Fjord created itself (not found existing): the only ones it may delete. */
  private final Map<String, Boolean> created = new ConcurrentHashMap<>();
  /** The queues as they are on the broker (adopted ones with their own flags). */
  private final Map<String, Topology.Queue> actual = new ConcurrentHashMap<>();
  /** Per stream queue: the offset to consume from next ({@code "next"} or a number). */
  private final Map<String, Object> streamOffsets = new ConcurrentHashMap<>();
  private volatile Lane lane;
  private volatile boolean stopped;
  private volatile boolean closed;

  /**
   * @param onQueueLost called when a consumer is gone (cancelled by the broker, or not re-subscribed
   *     after a reconnect): messages routed meanwhile are lost; may be null
   */
  Subscription(String description, Connection connection, Declarer declarer, int prefetch, List<QueueSpec> queues,
               MessageHandler handler, Executor io, ScheduledExecutorService timer, Timing timing, Runnable onQueueLost) {
    this.description = description;
    this.connection = connection;
    this.prefetch = prefetch;
    this.declarer = declarer;
    this.queues = List.copyOf(queues);
    this.handler = handler;
    this.io = io;
    this.serial = new SerialExecutor(io);
    this.timer = timer;
    this.timing = timing;
    this.onQueueLost = onQueueLost;
    try {
      this.lane = openLane();
    } catch (IOException | RuntimeException e) {
      throw AmqpErrors.translate("Cannot open a channel for " + description, e);
    }
  }

  private Lane openLane() throws IOException {
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("no channel available (channel_max reached)");
    }
    if (prefetch > 0) {
      channel.basicQos(0, prefetch, false); // per consumer: RabbitMQ 4.3 refuses global QoS
    }
    return new Lane(channel, new Acks(channel, description, prefetch));
  }

  /** How long {@link #start} keeps trying a queue whose node is still recovering (after a broker restart). */
  static final Duration START_RECOVERY_WAIT = Duration.ofSeconds(15);

  /**
   * Declares and consumes every queue; throws TransportException naming what failed. A durable queue
   * whose node is still starting it (404 "home node ... is down or inaccessible", seen for streams and
   * quorum queues for a few seconds after a broker restart) is retried every recovery interval for up
   * to {@link #START_RECOVERY_WAIT}.
   */
  Subscription start() {
    for (QueueSpec q : queues) {
      try {
        subscribeWhileRecovering(q);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new TransportException("Interrupted while declaring queue '" + q.name() + "' for " + description, e);
      } catch (TransportException e) {
        close();
        throw new TransportException("Cannot declare queue '" + q.name() + "' for " + description + ": "
            + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        close();
        throw AmqpErrors.translate("Cannot declare or consume queue '" + q.name() + "' for " + description
            + " (hint: an existing object with other durable/auto_delete flags or arguments causes PRECONDITION_FAILED)", e);
      }
    }
    return this;
  }

  private void subscribeWhileRecovering(QueueSpec q) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_RECOVERY_WAIT.toNanos();
    while (true) {
      try {
        subscribe(q);
        return;
      } catch (IOException e) {
        String text = AmqpErrors.replyText(e);
        boolean recovering = AmqpErrors.replyCode(e) == 404 && text != null && text.contains("is down or inaccessible");
        if (!recovering || System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.info("Queue '{}' of {} is not available yet ({}); trying again", q.name(), description, text);
        Thread.sleep(timing.recoveryInterval().toMillis());
      }
    }
  }

  private void subscribe(QueueSpec q) throws IOException {
    Declarer.Declared declared = q.declaration().declare(declarer);
    created.putIfAbsent(q.name(), declared.outcome() == Declarer.Outcome.DECLARED);
    actual.put(q.name(), declared.queue());
    Map<String, Object> args = new HashMap<>(q.consumerArguments());
    if (q.queue().kind() == Topology.Kind.STREAM) {
      args.put("x-stream-offset", streamOffsets.getOrDefault(q.name(), "next"));
    }
    Lane l = lane;
    String tag = l.channel().basicConsume(q.name(), q.autoAck(), "", false, false, args, new Consumer(q, l));
    tags.put(q.name(), tag);
  }

  /**
   * Instead of retrying forever, calls {@code onStuck} (once) when a queue cannot be subscribed again
   * while connected: the broker holds an exclusive queue for a dead connection (405), or three attempts
   * in a row failed (RabbitMQ 4.0.5 was seen to leave a quorum queue declared seconds before a crash
   * unable to deliver, its consumers' basic.consume unanswered). For the reply queue, whose name only
   * this process knows, moving to a new queue is better than waiting.
   */
  Subscription giveUpWhenStuck(Runnable onStuck) {
    this.onStuck = onStuck;
    return this;
  }

  /** After a connection recovery: declare and consume again on the recovered channel. */
  void recover() {
    serial.execute(() -> {
      if (stopped) {
        return;
      }
      for (QueueSpec q : queues) {
        String old = tags.remove(q.name());
        if (old != null) {
          try {
            lane.channel().basicCancel(old); // forgets amqp-client's record of the dead consumer
          } catch (IOException | RuntimeException ignored) {
            // unknown on the new channel, as expected
          }
        }
      }
      for (QueueSpec q : queues) {
        resubscribe(q, 1);
      }
    });
  }

  /**
   * Subscribes {@code q} again, retrying every recovery interval while it fails. A failure that leaves
   * the consumer channel closed or wedged (an RPC timeout, e.g. a quorum queue still electing its
   * leader after a broker restart) replaces the channel, and with it every consumer of this
   * subscription. Runs on {@link #serial}.
   */
  private void resubscribe(QueueSpec q, int attempt) {
    if (stopped || tags.containsKey(q.name())) {
      return;
    }
    try {
      subscribe(q);
      log.info("Re-subscribed {} to queue '{}'{}", description, q.name(),
          attempt > 1 ? " after " + attempt + " attempts" : "");
    } catch (IOException | RuntimeException e) {
      if (attempt == 1 || attempt % 30 == 0) {
        log.error("Could not re-subscribe {} to queue '{}' (attempt {}): {}; retrying every {} ms", description,
            q.name(), attempt, AmqpErrors.describe(e), timing.recoveryInterval().toMillis());
      }
      if (onQueueLost != null) {
        onQueueLost.run();
      }
      Runnable stuck = onStuck;
      if (stuck != null && connection.isOpen() && (AmqpErrors.replyCode(e) == 405 || attempt >= 3)) {
        onStuck = null;
        log.warn("Giving up queue '{}' of {} after {} attempt(s): {}", q.name(), description, attempt,
            AmqpErrors.describe(e));
        stuck.run();
        return;
      }
      if (!lane.channel().isOpen() || AmqpErrors.isTimeout(e)) {
        replaceLane();
        // every other queue of this subscription lost its consumer with the channel
        for (QueueSpec other : queues) {
          if (other != q) {
            schedule(() -> resubscribe(other, 1), timing.recoveryInterval());
          }
        }
      }
      schedule(() -> resubscribe(q, attempt + 1), timing.recoveryInterval());
    }
  }

  /** A new consumer channel; every queue is subscribed again on it. Runs on {@link #serial}. */
  private void replaceLane() {
    if (stopped || !connection.isOpen()) {
      return; // a connection recovery re-subscribes everything
    }
    Lane old = lane;
    try {
      lane = openLane();
    } catch (IOException | RuntimeException e) {
      log.debug("Could not open a new channel for {}: {}", description, AmqpErrors.describe(e));
      return;
    }
    tags.clear();
    try {
      old.channel().abort();
    } catch (IOException | RuntimeException ignored) {
      // broken already
    }
    log.warn("Replaced the consumer channel of {}; subscribing its queues again", description);
  }

  private void schedule(Runnable r, Duration delay) {
    try {
      timer.schedule(() -> serial.execute(r), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the transport is closing
    }
  }

  private final class Consumer extends DefaultConsumer {
    private final QueueSpec spec;
    private final Acks acks;

    Consumer(QueueSpec spec, Lane lane) {
      super(lane.channel());
      this.spec = spec;
      this.acks = lane.acks();
    }

    @Override
    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
      Map<String, Object> headers = props.getHeaders();
      if (spec.queue().kind() == Topology.Kind.STREAM && headers != null
          && headers.get("x-stream-offset") instanceof Number offset) {
        streamOffsets.put(spec.name(), offset.longValue() + 1);
      }
      AmqpDelivery d = new AmqpDelivery(spec.autoAck() ? null : acks, env.getDeliveryTag(), body,
          env.isRedeliver(), spec.name(), deliveryCount(headers));
      String type = props.getContentType();
      if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(JSON)) {
        // oslo rejects these too (docs/wire-format.md §2.1): without a JSON content type the body is not ours to decode
        log.warn("Rejecting a message without content_type {} on queue '{}' (got {})", JSON, spec.name(), type);
        d.reject(false);
        return;
      }
      Object compression = headers == null ? null : headers.get("compression");
      if (compression != null) {
        byte[] inflated = inflate(String.valueOf(compression), body);
        if (inflated == null) {
          log.warn("Rejecting a message compressed as '{}' on queue '{}': Fjord reads {} (kombu's gzip) only",
              compression, spec.name(), AmqpSettings.GZIP);
          d.reject(false);
          return;
        }
        d = new AmqpDelivery(spec.autoAck() ? null : acks, d, inflated);
      }
      handler.onMessage(d);
    }

    @Override
    public void handleCancel(String tag) {
      if (stopped) {
        return;
      }
      Duration delay = timing.reconnectDelay().plusNanos(timing.reconnectSplay().isZero() ? 0
          : ThreadLocalRandom.current().nextLong(timing.reconnectSplay().toNanos() + 1));
      if (!tags.remove(spec.name(), tag)) {
        return; // a consumer of a channel since replaced
      }
      log.warn("The broker cancelled {}'s consumer on queue '{}' (queue deleted, or its node failed over); "
          + "subscribing again in {} ms", description, spec.name(), delay.toMillis());
      if (onQueueLost != null) {
        onQueueLost.run();
      }
      schedule(() -> resubscribe(spec, 1), delay);
    }

    @Override
    public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
      if (!sig.isHardError() && !sig.isInitiatedByApplication() && !closed) {
        log.error("The broker closed the channel of {}: {}", description, AmqpErrors.describe(sig));
      }
    }
  }

  /** The broker's count of earlier deliveries (quorum queues' {@code x-delivery-count}), or -1. */
  private static long deliveryCount(Map<String, Object> headers) {
    return headers != null && headers.get("x-delivery-count") instanceof Number n ? n.longValue() : -1;
  }

  /** kombu's {@code application/x-gzip} is zlib's format; null for any other compression. */
  static byte[] inflate(String compression, byte[] body) {
    if (!compression.equals(AmqpSettings.GZIP)) {
      return null;
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(body);
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }

  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    Channel channel = lane.channel();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      try {
        channel.basicCancel(e.getValue());
      } catch (IOException | RuntimeException ex) {
        log.debug("Cancelling consumer of '{}': {}", e.getKey(), AmqpErrors.describe(ex));
      }
    }
    tags.clear();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    stop();
    closed = true;
    Lane l = lane;
    for (QueueSpec q : queues) {
      // only what Fjord created and does not keep: never a shared queue, a stream, a queue-manager
      // name or a queue that existed before
      if (!q.queue().kept() && Boolean.TRUE.equals(created.get(q.name()))) {
        try {
          l.channel().queueDelete(q.name());
        } catch (IOException | RuntimeException e) {
          log.debug("Deleting queue '{}': {}", q.name(), AmqpErrors.describe(e));
        }
      }
    }
    // acks held back behind a delivery still unsettled go out now; closing the channel then returns
    // the unacknowledged deliveries to their queues
    l.acks().flush();
    try {
      l.channel().abort();
    } catch (IOException | RuntimeException ignored) {
      // already gone
    }
  }

  /** The queues as declared on the broker so far (after adoption, the existing ones' flags). */
  java.util.Collection<Topology.Queue> declaredQueues() {
    return actual.values();
  }

  @Override
  public String toString() {
    return description;
  }

  /** Runs tasks one at a time, in order, on {@code delegate}'s threads. */
  private static final class SerialExecutor implements Executor {
    private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
    private final Executor delegate;
    private boolean running;

    SerialExecutor(Executor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
      synchronized (tasks) {
        tasks.add(task);
        if (running) {
          return;
        }
        running = true;
      }
      try {
        delegate.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        synchronized (tasks) {
          tasks.clear();
          running = false;
        }
      }
    }

    private void drain() {
      while (true) {
        Runnable next;
        synchronized (tasks) {
          next = tasks.poll();
          if (next == null) {
            running = false;
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          log.error("Re-subscribing failed unexpectedly", e);
        }
      }
    }
  }
}
