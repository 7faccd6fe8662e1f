/**
 * The caller's side: {@link io.fjord.rpc.client.RpcClient} (call, callAsync, cast, castAsync, views made
 * with {@code prepare}, {@code toServer}, {@code toAllServers}), {@link io.fjord.rpc.client.CallOptions},
 * interceptors, and the typed proxies of {@code @RpcApi} interfaces (package-private, reaching the client
 * only through {@code Invoker}).
 *
 * <p>May use: {@code io.fjord.rpc}, {@code annotation}, {@code serializer}, {@code wire} (to encode requests),
 * {@code spi} (send options) and {@code internal} (the reply waiter). Never {@code server}.
 */
package io.fjord.rpc.client;
