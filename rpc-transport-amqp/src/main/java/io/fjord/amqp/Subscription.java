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

  private final String description;
  private final Channel channel;
  private final Declarer declarer;
  private final Acks acks;
  private final List<QueueSpec> queues;
  private final MessageHandler handler;
  private final Executor io;
  private final ScheduledExecutorService timer;
  private final Timing timing;
  private final Runnable onQueueLost;
  private final Map<String, String> tags = new ConcurrentHashMap<>();
  /** Queues Fjord created itself (not found existing): the only ones it may delete. */
  private final Map<String, Boolean> created = new ConcurrentHashMap<>();
  /** The queues as they are on the broker (adopted ones with their own flags). */
  private final Map<String, Topology.Queue> actual = new ConcurrentHashMap<>();
  /** Per stream queue: the offset to consume from next ({@code "next"} or a number). */
  private final Map<String, Object> streamOffsets = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private volatile boolean closed;

  /**
   * @param onQueueLost called when a consumer is gone (cancelled by the broker, or not re-subscribed
   *     after a reconnect): messages routed meanwhile are lost; may be null
   */
  Subscription(String description, Connection connection, Declarer declarer, int prefetch, List<QueueSpec> queues,
               MessageHandler handler, Executor io, ScheduledExecutorService timer, Timing timing, Runnable onQueueLost) {
    this.description = description;
    this.declarer = declarer;
    this.queues = List.copyOf(queues);
    this.handler = handler;
    this.io = io;
    this.timer = timer;
    this.timing = timing;
    this.onQueueLost = onQueueLost;
    try {
      this.channel = connection.createChannel();
      if (channel == null) {
        throw new IOException("no channel available (channel_max reached)");
      }
      if (prefetch > 0) {
        channel.basicQos(0, prefetch, false); // per consumer: RabbitMQ 4.3 refuses global QoS
      }
      this.acks = new Acks(channel, description, prefetch);
    } catch (IOException | RuntimeException e) {
      throw AmqpErrors.translate("Cannot open a channel for " + description, e);
    }
  }

  /** Declares and consumes every queue; throws TransportException naming what failed. */
  Subscription start() {
    for (QueueSpec q : queues) {
      try {
        subscribe(q);
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

  private void subscribe(QueueSpec q) throws IOException {
    Declarer.Declared declared = q.declaration().declare(declarer);
    created.putIfAbsent(q.name(), declared.outcome() == Declarer.Outcome.DECLARED);
    actual.put(q.name(), declared.queue());
    Map<String, Object> args = new HashMap<>(q.consumerArguments());
    if (q.queue().kind() == Topology.Kind.STREAM) {
      args.put("x-stream-offset", streamOffsets.getOrDefault(q.name(), "next"));
    }
    String tag = channel.basicConsume(q.name(), q.autoAck(), "", false, false, args, new Consumer(q));
    tags.put(q.name(), tag);
  }

  /** After a connection recovery: declare and consume again on the recovered channel. */
  void recover() {
    if (stopped) {
      return;
    }
    for (QueueSpec q : queues) {
      String old = tags.remove(q.name());
      if (old != null) {
        try {
          channel.basicCancel(old); // forgets amqp-client's record of the dead consumer
        } catch (IOException | RuntimeException ignored) {
          // unknown on the new channel, as expected
        }
      }
      resubscribe(q, 1);
    }
  }

  /** Subscribes {@code q} again, retrying every recovery interval while it fails. */
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
      schedule(() -> resubscribe(q, attempt + 1), timing.recoveryInterval());
    }
  }

  private void schedule(Runnable r, Duration delay) {
    try {
      timer.schedule(() -> io.execute(r), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the transport is closing
    }
  }

  private final class Consumer extends DefaultConsumer {
    private final QueueSpec spec;

    Consumer(QueueSpec spec) {
      super(channel);
      this.spec = spec;
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
        // oslo rejects these too (WIRE.md 2.1): without a JSON content type the body is not ours to decode
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
      log.warn("The broker cancelled {}'s consumer on queue '{}' (queue deleted, or its node failed over); "
          + "subscribing again in {} ms", description, spec.name(), delay.toMillis());
      tags.remove(spec.name(), tag);
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
    for (QueueSpec q : queues) {
      // only what Fjord created and does not keep: never a shared queue, a stream, a queue-manager
      // name or a queue that existed before
      if (!q.queue().kept() && Boolean.TRUE.equals(created.get(q.name()))) {
        try {
          channel.queueDelete(q.name());
        } catch (IOException | RuntimeException e) {
          log.debug("Deleting queue '{}': {}", q.name(), AmqpErrors.describe(e));
        }
      }
    }
    // acks held back behind a delivery still unsettled go out now; closing the channel then returns
    // the unacknowledged deliveries to their queues
    acks.flush();
    try {
      channel.abort();
    } catch (IOException | RuntimeException ignored) {
      // already gone
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** The queues as declared on the broker so far (after adoption, the existing ones' flags). */
  java.util.Collection<Topology.Queue> declaredQueues() {
    return actual.values();
  }

  @Override
  public String toString() {
    return description;
  }
}
