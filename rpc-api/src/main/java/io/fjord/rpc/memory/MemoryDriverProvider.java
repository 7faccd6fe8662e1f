package io.fjord.rpc.memory;

import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.spi.Driver;
import io.fjord.rpc.spi.DriverProvider;
import java.util.Set;

/**
 * The in-process driver, scheme {@code memory://} (alias {@code fake://}, as oslo names its
 * in-process driver): oslo's exchanges, queues and routing in the JVM, for embedded use and fast
 * tests. All {@code memory://} transports of a JVM with the same virtual host share one bus, so a
 * server and a client opened separately talk to each other; different virtual hosts never cross.
 *
 * <p>Every body is the same JSON bytes the AMQP driver would send, so what a broker peer would
 * reject fails here too. There are no publisher confirms to wait for, and nothing survives the JVM; an RPC
 * server's consumers take at most 64 unacknowledged deliveries each (the AMQP driver's default prefetch), the
 * rest wait in the queue. Thread-safe.
 */
public final class MemoryDriverProvider implements DriverProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("memory", "fake");
  }

  @Override
  public Driver open(TransportUrl url, TransportOptions options) {
    if (!url.options().isEmpty()) {
      throw new IllegalArgumentException("The memory:// transport takes no options, got " + url.options().keySet());
    }
    return new MemoryDriver(url, options);
  }
}
