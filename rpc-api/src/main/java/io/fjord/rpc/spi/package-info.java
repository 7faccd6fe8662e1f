/**
 * The driver SPI: what a transport driver implements so that {@code Transport.open} can use it.
 *
 * <p>A driver moves opaque message bodies (UTF-8 JSON, already in oslo's envelope) between
 * clients and servers and owns the broker topology. Everything about the message format,
 * dispatching, replies, timeouts and heartbeats lives above this line, in {@code rpc-api}, so every
 * driver behaves the same. Drivers are found with {@link java.util.ServiceLoader} by URL scheme:
 * list the {@link io.fjord.rpc.spi.TransportDriver} implementation in
 * {@code META-INF/services/io.fjord.rpc.spi.TransportDriver}.
 *
 * <p>Threads: methods of {@link io.fjord.rpc.spi.DriverTransport} are called from any application
 * thread, concurrently; drivers MUST be thread-safe. Handlers given to a driver are called on the
 * driver's own threads and MUST return quickly; the API layer hands real work to executors.
 */
package io.fjord.rpc.spi;
