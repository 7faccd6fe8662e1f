/**
 * The serving side: {@link io.fjord.rpc.server.RpcServer} (lifecycle and building), the request processor
 * (decode, de-duplicate, dispatch, heartbeats, one reply per call), endpoint discovery and dispatch by
 * namespace and version, access policies and interceptors.
 *
 * <p>May use: {@code io.fjord.rpc}, {@code annotation}, {@code serializer}, {@code wire} (to decode requests
 * and encode replies), {@code spi} (deliveries) and {@code internal}. Never {@code client}.
 */
package io.fjord.rpc.server;
