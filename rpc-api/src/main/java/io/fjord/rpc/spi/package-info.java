/**
 * The driver SPI: what a driver implements so that {@code Transport.open} can use it.
 *
 * <p>A {@link io.fjord.rpc.spi.DriverProvider}, found with {@link java.util.ServiceLoader} by URL scheme,
 * opens one {@link io.fjord.rpc.spi.Driver} per transport. A driver moves opaque bodies between clients,
 * servers, notifiers and listeners with the delivery semantics its Javadoc states, and declares which
 * {@link io.fjord.rpc.Capability capabilities} it has. Everything about the message format, dispatching,
 * replies, timeouts and heartbeats lives above this line, in {@code rpc-api}, so every driver behaves the
 * same; the broker's topology lives below it, in the driver. {@link io.fjord.rpc.spi.Routes} holds oslo's
 * names for routing, shared by drivers that mirror oslo's topology.
 *
 * <p>May use: {@code io.fjord.rpc} (values and exceptions) only. Used by: {@code io.fjord.rpc.internal} and
 * the drivers.
 */
package io.fjord.rpc.spi;
