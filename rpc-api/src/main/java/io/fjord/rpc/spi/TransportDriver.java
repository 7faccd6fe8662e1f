package io.fjord.rpc.spi;

import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.util.Set;

/**
 * Factory for a driver, found through {@link java.util.ServiceLoader} by the transport URL's scheme.
 * Implementations MUST have a public no-argument constructor and MUST be thread-safe.
 */
public interface TransportDriver {

  /** URL schemes this driver handles, lower case (e.g. {@code rabbit}, {@code amqp}). */
  Set<String> schemes();

  /**
   * Opens a driver transport for {@code url}. MAY block to connect; MUST fail within a bounded time
   * when the broker is unreachable, with a {@link io.fjord.rpc.TransportException} whose message
   * names the (password-free) URL. MUST reject unknown query options with an
   * {@link IllegalArgumentException} naming the option and the known ones.
   */
  DriverTransport open(TransportUrl url, TransportOptions options);
}
