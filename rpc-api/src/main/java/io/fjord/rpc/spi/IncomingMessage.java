package io.fjord.rpc.spi;

/**
 * A message delivered by a driver. Exactly one of {@link #ack()} or {@link #reject(boolean)} SHOULD
 * be called once; drivers MUST tolerate either being called from any thread, and MUST ignore
 * acknowledgements of a delivery whose channel has since been lost (the broker redelivers it).
 */
public interface IncomingMessage {

  /** The body, exactly as published. */
  byte[] body();

  /** True when the broker has delivered this message before. */
  boolean redelivered();

  /**
   * How many times the broker delivered this message before, where the broker counts (RabbitMQ quorum
   * queues' {@code x-delivery-count}, which survives consumer restarts); -1 where it does not.
   */
  default long deliveryCount() {
    return -1;
  }

  /** Where it came from, for logs (a queue name). */
  String source();

  /** Acknowledges the message: the broker forgets it. */
  void ack();

  /** Rejects it; with {@code requeue} the broker delivers it again, else drops or dead-letters it. */
  void reject(boolean requeue);
}
