/**
 * The values and exceptions every Fjord user meets: {@link io.fjord.rpc.Transport} (opened from a
 * {@link io.fjord.rpc.TransportUrl}), {@link io.fjord.rpc.Target}, {@link io.fjord.rpc.RequestContext},
 * {@link io.fjord.rpc.Version}, {@link io.fjord.rpc.Deadline}, {@link io.fjord.rpc.Capability},
 * {@link io.fjord.rpc.ServiceDescription} (what a server's {@code fjord.describe} answers) and the one
 * unchecked {@link io.fjord.rpc.MessagingException} hierarchy.
 *
 * <p>May use: {@code serializer}, {@code spi} and {@code internal} (the transport's machinery). Used by every
 * other package. Never imports {@code client} or {@code server}.
 */
package io.fjord.rpc;
