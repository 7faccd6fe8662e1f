package io.fjord.rpc.spi;

/** The consumers of one RPC server (or notification listener). Thread-safe. */
public interface DriverListener extends AutoCloseable {

  /**
   * Stops consuming: no new message reaches the handler after this returns (messages in flight may
   * still arrive while it runs). Unacknowledged deliveries go back to their queues when the channel
   * closes. Idempotent; bounded time.
   */
  void stop();

  /**
   * How many times the broker delivers a message of these queues before it drops or dead-letters
   * it, where the broker enforces such a limit (RabbitMQ quorum queues: {@code x-delivery-limit},
   * 20 by default since RabbitMQ 4.0); empty where it does not. A listener that requeues must settle a
   * poison message before this limit takes it. MUST NOT block.
   */
  default java.util.OptionalInt deliveryLimit() {
    return java.util.OptionalInt.empty();
  }

  /** Stops, then deletes what this listener alone owned (its fanout queue). Idempotent; bounded time. */
  @Override
  void close();
}
