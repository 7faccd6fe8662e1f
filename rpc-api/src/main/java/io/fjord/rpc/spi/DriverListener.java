package io.fjord.rpc.spi;

/** The consumers of one RPC server (or notification listener). Thread-safe. */
public interface DriverListener extends AutoCloseable {

  /**
   * Stops consuming: no new message reaches the handler after this returns (messages in flight may
   * still arrive while it runs). Unacknowledged deliveries go back to their queues when the channel
   * closes. Idempotent; bounded time.
   */
  void stop();

  /** Stops, then deletes what this listener alone owned (its fanout queue). Idempotent; bounded time. */
  @Override
  void close();
}
