/**
 * Fjord's API: transports, RPC clients and servers, the in-process {@code memory://} driver, oslo's wire
 * codec and the driver SPI. Drivers are found with {@link java.util.ServiceLoader} by URL scheme.
 */
module io.fjord.rpc {
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports io.fjord.rpc;
  exports io.fjord.rpc.annotation;
  exports io.fjord.rpc.client;
  exports io.fjord.rpc.server;
  exports io.fjord.rpc.serializer;
  exports io.fjord.rpc.spi;
  exports io.fjord.rpc.wire;
  exports io.fjord.rpc.memory;
  // the machinery Transport.core() hands out: for Fjord's notification module only
  exports io.fjord.rpc.internal to io.fjord.notify;

  uses io.fjord.rpc.spi.DriverProvider;
  provides io.fjord.rpc.spi.DriverProvider with io.fjord.rpc.memory.MemoryDriverProvider;
}
