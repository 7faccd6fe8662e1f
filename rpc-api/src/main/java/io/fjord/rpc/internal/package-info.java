/**
 * The machinery one transport shares with its clients, servers, notifiers and listeners:
 * {@code TransportCore} (driver, timer, callback pool, reply queue, capability checks), the reply waiter,
 * deadline sweeps, consumer lifecycles and duplicate windows. Not an API: the module exports it to
 * {@code io.fjord.notify} only.
 *
 * <p>May use: {@code io.fjord.rpc}, {@code serializer}, {@code spi} and {@code wire}. Never {@code client} or
 * {@code server}.
 */
package io.fjord.rpc.internal;
