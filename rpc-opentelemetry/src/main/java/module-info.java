/** OpenTelemetry tracing for Fjord calls and casts, propagated in the request context. */
module io.fjord.otel {
  requires transitive io.fjord.rpc;
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;

  exports io.fjord.otel;
}
