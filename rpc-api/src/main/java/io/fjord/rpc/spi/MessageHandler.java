package io.fjord.rpc.spi;

/** Receives messages from a {@link DriverListener}; called on a driver thread, MUST NOT block. */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(IncomingMessage message);
}
