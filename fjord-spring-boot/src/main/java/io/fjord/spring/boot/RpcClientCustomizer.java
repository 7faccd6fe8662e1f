package io.fjord.spring.boot;

import io.fjord.rpc.client.RpcClient;

/**
 * Callback that adjusts the {@link RpcClient} of each typed-client group (interceptors, retry, allowed remote
 * exceptions) after the {@code fjord.client.<group>.*} properties were applied. Beans of this type run in
 * {@link org.springframework.core.Ordered} order, once per group, when the group's first proxy is created.
 */
@FunctionalInterface
public interface RpcClientCustomizer {

  /** Adjusts the builder of the client of {@code group}. */
  void customize(String group, RpcClient.Builder builder);
}
