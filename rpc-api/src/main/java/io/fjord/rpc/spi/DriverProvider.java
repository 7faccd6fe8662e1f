package io.fjord.rpc.spi;

import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.util.Set;

/**
 * Opens {@link Driver}s for the URL schemes it handles; found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.fjord.rpc.spi.DriverProvider}, or {@code provides} in a module).
 * Implementations MUST have a public no-argument constructor and MUST be thread-safe.
 */
public interface DriverProvider {

  /** URL schemes this provider handles, lower case (e.g. {@code rabbit}, {@code amqp}). */
  Set<String> schemes();

  /**
   * Opens a driver for {@code url}. MAY block to connect; MUST fail within a bounded time
   * when the broker is unreachable, with a {@link io.fjord.rpc.TransportException} whose message
   * names the (password-free) URL. MUST reject unknown query options with an
   * {@link IllegalArgumentException} naming the option and the known ones.
   */
  Driver open(TransportUrl url, TransportOptions options);
}
