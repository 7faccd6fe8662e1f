package io.fjord.spring.boot;

import io.fjord.rpc.TransportOptions;

/**
 * Callback that adjusts the {@link TransportOptions} of the auto-configured {@link io.fjord.rpc.Transport}
 * (serializer, clock, connection name) after the {@code fjord.*} properties were applied. Beans of this type
 * run in {@link org.springframework.core.Ordered} order. Called once, on the thread creating the transport.
 */
@FunctionalInterface
public interface TransportCustomizer {

  /** Adjusts {@code options}. */
  void customize(TransportOptions.Builder options);
}
