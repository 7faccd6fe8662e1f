package io.fjord.spring.boot;

import io.fjord.rpc.Target;
import io.fjord.rpc.server.RpcServer;

/**
 * Callback that adjusts each {@link RpcServer} Fjord builds for {@code @RpcEndpoint} beans (interceptors,
 * executor, access policy, limits) after the {@code fjord.server.*} properties were applied, and sees the
 * server once built. Beans of this type run in {@link org.springframework.core.Ordered} order, on the thread
 * starting the application context.
 */
@FunctionalInterface
public interface RpcServerCustomizer {

  /** Adjusts the builder of the server listening on {@code target} (a topic and a server). */
  void customize(Target target, RpcServer.Builder builder);

  /** Sees the server once built, before it starts (e.g. to bind gauges). Default: nothing. */
  default void built(RpcServer server) {
  }
}
