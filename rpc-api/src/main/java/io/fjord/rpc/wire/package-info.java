/**
 * oslo.messaging's wire format and nothing else (docs/wire-format.md): {@link io.fjord.rpc.wire.OsloWire}
 * encodes and decodes {@link io.fjord.rpc.wire.WireRequest}, {@link io.fjord.rpc.wire.WireReply} and
 * {@link io.fjord.rpc.wire.WireNotification}; {@code WireJson} writes JSON as Python does; remote failure
 * documents and oslo's identifiers live here too, and Fjord's one extension, the {@code fjord.describe} result
 * ({@link io.fjord.rpc.wire.WireDescription}). The only place oslo's field names are spelled.
 *
 * <p>May use: {@code io.fjord.rpc} (RequestContext, exceptions) only. Used by {@code client}, {@code server},
 * notifications, drivers that need oslo's ids, and tools.
 */
package io.fjord.rpc.wire;
