package io.fjord.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.fjord.rpc.DeliveryFailureException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One publishing channel, with or without publisher confirms. Used by one thread at a time (borrowed from
 * {@link Publishing}'s pools); its listeners run on the connection's I/O thread.
 *
 * <p>Every publish is tracked by confirm sequence number and completed exactly once: acked (or
 * failed when a {@code basic.return} for it came first: the broker sends the return before the ack of an
 * unroutable mandatory message, docs/wire-format.md §2.2), nacked, or failed when
 * the channel shuts down before the confirm. Sequence numbers restart after connection recovery, so
 * nothing outstanding survives a shutdown.
 */
final class Publisher implements ConfirmListener, ReturnListener, ShutdownListener {

  private static final class Outstanding {
    final CompletableFuture<Void> future;
    final String routingKey;
    final byte[] body;
    volatile String returned;

    Outstanding(CompletableFuture<Void> future, String routingKey, byte[] body) {
      this.future = future;
      this.routingKey = routingKey;
      this.body = body;
    }
  }

  /** Receives returned messages of a channel without confirms (nothing to correlate them with). */
  @FunctionalInterface
  interface ReturnHandler {
    void returned(String exchange, String routingKey, byte[] body, String why);
  }

  private final Channel channel;
  private final boolean confirms;
  private final ReturnHandler onUnconfirmedReturn;
  private final ConcurrentNavigableMap<Long, Outstanding> outstanding = new ConcurrentSkipListMap<>();
  /** Set by a nack: the transport replaces this channel (see {@link #refused()}). */
  private volatile boolean refused;

  Publisher(Connection connection, boolean confirms, ReturnHandler onUnconfirmedReturn) throws IOException {
    this.onUnconfirmedReturn = onUnconfirmedReturn;
    Channel ch = connection.createChannel();
    if (ch == null) {
      throw new IOException("the broker has no channel left on this connection (channel_max reached)");
    }
    this.channel = ch;
    this.confirms = confirms;
    if (confirms) {
      ch.confirmSelect();
    }
    ch.addConfirmListener(this);
    ch.addReturnListener(this);
    ch.addShutdownListener(this);
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  /**
   * Whether the broker nacked a message on this channel. A nack is rare (a queue that cannot take
   * the message); after a quorum queue's leader was killed, RabbitMQ 3.10 was seen (AmqpClusterIT,
   * about one run in three) to nack every later publish for minutes, so the transport retires a
   * channel after a nack instead of reusing it: a new channel starts with no stale queue state, and
   * it costs one channel open per nack.
   */
  boolean refused() {
    return refused;
  }

  /** Publishes; {@code future} completes on the confirm (at once when confirms are off). */
  void publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props, byte[] body,
               CompletableFuture<Void> future) throws IOException {
    if (!confirms) {
      channel.basicPublish(exchange, routingKey, mandatory, props, body);
      future.complete(null);
      return;
    }
    long seq = channel.getNextPublishSeqNo();
    outstanding.put(seq, new Outstanding(future, routingKey, body));
    try {
      channel.basicPublish(exchange, routingKey, mandatory, props, body);
    } catch (IOException | RuntimeException e) {
      outstanding.remove(seq);
      throw e;
    }
  }

  @Override
  public void handleAck(long deliveryTag, boolean multiple) {
    settle(deliveryTag, multiple, null);
  }

  @Override
  public void handleNack(long deliveryTag, boolean multiple) {
    refused = true;
    settle(deliveryTag, multiple, "the broker refused the message (basic.nack)");
  }

  private void settle(long tag, boolean multiple, String nack) {
    if (multiple) {
      Map<Long, Outstanding> head = outstanding.headMap(tag, true);
      for (Long seq : head.keySet().toArray(new Long[0])) {
        Outstanding o = outstanding.remove(seq);
        if (o != null) {
          complete(o, nack);
        }
      }
    } else {
      Outstanding o = outstanding.remove(tag);
      if (o != null) {
        complete(o, nack);
      }
    }
  }

  private static void complete(Outstanding o, String nack) {
    if (nack != null) {
      o.future.completeExceptionally(new DeliveryFailureException(nack));
    } else if (o.returned != null) {
      o.future.completeExceptionally(new UnroutableException("unroutable: " + o.returned));
    } else {
      o.future.complete(null);
    }
  }

  @Override
  public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                           AMQP.BasicProperties properties, byte[] body) {
    String why = replyCode + " " + replyText + ", no queue bound to exchange '" + exchange + "' with routing key '"
        + routingKey + "'";
    if (!confirms) {
      onUnconfirmedReturn.returned(exchange, routingKey, body, why);
      return;
    }
    for (Outstanding o : outstanding.values()) {
      if (o.returned == null && routingKey.equals(o.routingKey) && Arrays.equals(body, o.body)) {
        o.returned = why;
        return;
      }
    }
  }

  @Override
  public void shutdownCompleted(ShutdownSignalException cause) {
    failAll(cause);
  }

  private void failAll(Throwable cause) {
    for (Long seq : outstanding.keySet().toArray(new Long[0])) {
      Outstanding o = outstanding.remove(seq);
      if (o != null) {
        o.future.completeExceptionally(new DeliveryFailureException("The channel closed before the broker confirmed "
            + "the message, which may or may not have been delivered: " + AmqpErrors.describe(cause), cause));
      }
    }
  }

  /** Closes the channel for good (it is broken or the transport closes). */
  void discard() {
    try {
      channel.abort();
    } catch (RuntimeException | IOException ignored) {
      // already closed
    }
    failAll(new IOException("channel discarded"));
  }
}
