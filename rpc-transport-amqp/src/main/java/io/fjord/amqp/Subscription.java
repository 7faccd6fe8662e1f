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
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers of one RPC server or of the reply queue: one channel on the consume connection,
 * its queues declared (with exchanges and bindings) and consumed with manual acks.
 *
 * <p>Fjord re-declares and re-consumes itself after a connection recovery and when the broker
 * cancels a consumer (its queue was deleted), instead of amqp-client's topology recovery, so the
 * queue names never change and nothing stale is recorded. Thread-safe.
 */
final class Subscription implements DriverListener {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);
  static final String JSON = "application/json";

  /** Declares one queue and what it is bound to. */
  @FunctionalInterface
  interface Declaration {
    void declare(Channel channel) throws IOException;
  }

  /**
   * A queue to consume; {@code owned} queues are deleted on close. {@code autoAck} consumers get
   * messages acknowledged on delivery (replies: a lost reply is lost with its caller anyway).
   */
  record QueueSpec(String queue, Declaration declaration, boolean owned, boolean autoAck) {
    QueueSpec(String queue, Declaration declaration, boolean owned) {
      this(queue, declaration, owned, false);
    }
  }

  private final String description;
  private final Channel channel;
  private final Acks acks;
  private final List<QueueSpec> queues;
  private final MessageHandler handler;
  private final Executor io;
  private final Runnable onQueueLost;
  private final Map<String, String> tags = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private volatile boolean closed;

  /**
   * @param onQueueLost called when the broker cancelled a consumer because its queue vanished
   *     (messages routed meanwhile are lost); may be null
   */
  Subscription(String description, Connection connection, int prefetch, List<QueueSpec> queues, MessageHandler handler,
               Executor io, Runnable onQueueLost) {
    this.description = description;
    this.queues = List.copyOf(queues);
    this.handler = handler;
    this.io = io;
    this.onQueueLost = onQueueLost;
    try {
      this.channel = connection.createChannel();
      if (channel == null) {
        throw new IOException("no channel available (channel_max reached)");
      }
      if (prefetch > 0) {
        channel.basicQos(prefetch);
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
      } catch (IOException | RuntimeException e) {
        close();
        throw AmqpErrors.translate("Cannot declare or consume queue '" + q.queue() + "' for " + description
            + " (hint: an existing object with other durable/auto_delete flags or arguments causes PRECONDITION_FAILED)", e);
      }
    }
    return this;
  }

  private void subscribe(QueueSpec q) throws IOException {
    q.declaration().declare(channel);
    String tag = channel.basicConsume(q.queue(), q.autoAck(), new Consumer(q));
    tags.put(q.queue(), tag);
  }

  /** After a connection recovery: declare and consume again on the recovered channel. */
  void recover() {
    if (stopped) {
      return;
    }
    for (QueueSpec q : queues) {
      String old = tags.remove(q.queue());
      if (old != null) {
        try {
          channel.basicCancel(old); // forgets amqp-client's record of the dead consumer
        } catch (IOException | RuntimeException ignored) {
          // unknown on the new channel, as expected
        }
      }
      try {
        subscribe(q);
        log.info("Re-subscribed {} to queue '{}' after reconnecting", description, q.queue());
      } catch (IOException | RuntimeException e) {
        log.error("Could not re-subscribe {} to queue '{}' after reconnecting: {}", description, q.queue(),
            AmqpErrors.describe(e));
      }
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
      AmqpDelivery d = new AmqpDelivery(spec.autoAck() ? null : acks, env.getDeliveryTag(), body,
          env.isRedeliver(), spec.queue());
      String type = props.getContentType();
      if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(JSON)) {
        // oslo rejects these too (WIRE.md 2.1): without a JSON content type the body is not ours to decode
        log.warn("Rejecting a message without content_type {} on queue '{}' (got {})", JSON, spec.queue(), type);
        d.reject(false);
        return;
      }
      handler.onMessage(d);
    }

    @Override
    public void handleCancel(String tag) {
      if (stopped) {
        return;
      }
      log.warn("The broker cancelled {}'s consumer on queue '{}' (queue deleted?); declaring it again", description,
          spec.queue());
      tags.remove(spec.queue(), tag);
      if (onQueueLost != null) {
        onQueueLost.run();
      }
      io.execute(() -> {
        try {
          if (!stopped) {
            subscribe(spec);
          }
        } catch (IOException | RuntimeException e) {
          log.error("Could not declare queue '{}' again for {}: {}", spec.queue(), description, AmqpErrors.describe(e));
        }
      });
    }

    @Override
    public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
      if (!sig.isHardError() && !sig.isInitiatedByApplication() && !closed) {
        log.error("The broker closed the channel of {}: {}", description, AmqpErrors.describe(sig));
      }
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
      if (q.owned()) {
        try {
          channel.queueDelete(q.queue());
        } catch (IOException | RuntimeException e) {
          log.debug("Deleting queue '{}': {}", q.queue(), AmqpErrors.describe(e));
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

  @Override
  public String toString() {
    return description;
  }

  static TransportException notConnected(String what) {
    return new TransportException(what);
  }
}
