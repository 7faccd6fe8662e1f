package io.fjord.amqp;

import io.fjord.rpc.spi.IncomingMessage;

/**
 * One delivery on a consumer channel. Acknowledgements may come from any thread and go through the
 * channel's {@link Acks}, which coalesces them; one that fails because the channel is gone is dropped
 * (the broker redelivers the message), and after a recovery amqp-client ignores tags from the old
 * channel.
 */
final class AmqpDelivery implements IncomingMessage {
  private final Acks acks;
  private final Acks.Slot slot;
  private final byte[] body;
  private final boolean redelivered;
  private final String queue;
  private final long deliveryCount;

  /**
   * @param acks null when the consumer acknowledges automatically: ack and reject do nothing
   * @param deliveryCount the broker's count of earlier deliveries, or -1 where it keeps none
   */
  AmqpDelivery(Acks acks, long tag, byte[] body, boolean redelivered, String queue, long deliveryCount) {
    this.acks = acks;
    this.slot = acks == null ? null : acks.register(tag);
    this.body = body;
    this.redelivered = redelivered;
    this.queue = queue;
    this.deliveryCount = deliveryCount;
  }

  /** {@code d} with another body (decompressed), settled through the same acknowledgement slot. */
  AmqpDelivery(Acks acks, AmqpDelivery d, byte[] body) {
    this.acks = acks;
    this.slot = d.slot;
    this.body = body;
    this.redelivered = d.redelivered;
    this.queue = d.queue;
    this.deliveryCount = d.deliveryCount;
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
  public long deliveryCount() {
    return deliveryCount;
  }

  @Override
  public String source() {
    return queue;
  }

  @Override
  public void ack() {
    if (acks != null) {
      acks.ack(slot);
    }
  }

  @Override
  public void reject(boolean requeue) {
    if (acks != null) {
      acks.reject(slot, requeue);
    }
  }
}
