/**
 * OpenTelemetry tracing for Fjord: client and server interceptors that carry the trace context in the
 * request context, so spans join across Fjord and oslo peers. May use the public API of {@code io.fjord.rpc}
 * only.
 */
package io.fjord.otel;
