package io.fjord.amqp;

import com.rabbitmq.client.Channel;
import io.fjord.rpc.spi.IncomingMessage;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery on a consumer channel. Acknowledgements may come from any thread; one that fails
 * because the channel is gone is dropped (the broker redelivers the message), and after a recovery
 * amqp-client ignores tags from the old channel.
 */
final class AmqpDelivery implements IncomingMessage {
  private static final Logger log = LoggerFactory.getLogger(AmqpDelivery.class);

  private final Channel channel;
  private final long tag;
  private final byte[] body;
  private final boolean redelivered;
  private final String queue;

  /** @param channel null when the consumer acknowledges automatically: ack and reject do nothing */
  AmqpDelivery(Channel channel, long tag, byte[] body, boolean redelivered, String queue) {
    this.channel = channel;
    this.tag = tag;
    this.body = body;
    this.redelivered = redelivered;
    this.queue = queue;
  }

  @Override
  public byte[] body() {
    return body;
  }

  @Override
  public boolean redelivered() {
    return redelivered;
  }

  @Override
  public String source() {
    return queue;
  }

  @Override
  public void ack() {
    if (channel == null) {
      return;
    }
    try {
      channel.basicAck(tag, false);
    } catch (IOException | RuntimeException e) {
      log.debug("Could not ack delivery {} from {} (the channel is gone; the broker will redeliver): {}", tag, queue,
          AmqpErrors.describe(e));
    }
  }

  @Override
  public void reject(boolean requeue) {
    if (channel == null) {
      return;
    }
    try {
      channel.basicReject(tag, requeue);
    } catch (IOException | RuntimeException e) {
      log.debug("Could not reject delivery {} from {}: {}", tag, queue, AmqpErrors.describe(e));
    }
  }
}
