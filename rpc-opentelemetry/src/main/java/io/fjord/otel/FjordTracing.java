package io.fjord.otel;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.client.ClientInterceptor;
import io.fjord.rpc.client.ClientInvocation;
import io.fjord.rpc.server.ServerInterceptor;
import io.fjord.rpc.server.ServerInvocation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * OpenTelemetry tracing for Fjord: a client span per call or cast and a server span per dispatched
 * request, with the trace carried in the request context (W3C {@code traceparent} and
 * {@code tracestate} keys, so {@code _context_traceparent} on the wire). oslo peers carry context
 * keys along untouched when they pass their context on, so one trace can cross Java and Python
 * services.
 *
 * <pre>{@code
 * FjordTracing tracing = FjordTracing.create(openTelemetry);
 * RpcClient client = RpcClient.builder(transport, target).interceptor(tracing.clientInterceptor()).build();
 * RpcServer server = RpcServer.builder(transport, target).interceptor(tracing.serverInterceptor())...;
 * }</pre>
 *
 * <p>The server span is current while the endpoint runs, so calls the endpoint makes become its
 * children. Thread-safe; build one per OpenTelemetry instance.
 */
public final class FjordTracing {
  /** Instrumentation scope name. */
  public static final String SCOPE = "io.fjord.rpc";

  private static final TextMapGetter<RequestContext> CONTEXT_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(RequestContext carrier) {
      return carrier.asMap().keySet();
    }

    @Override
    public String get(RequestContext carrier, String key) {
      Object v = carrier == null ? null : carrier.get(key);
      return v instanceof String s ? s : null;
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private FjordTracing(OpenTelemetry otel) {
    this.tracer = otel.getTracer(SCOPE);
    this.propagator = otel.getPropagators().getTextMapPropagator();
  }

  public static FjordTracing create(OpenTelemetry openTelemetry) {
    return new FjordTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  private static String spanName(String topic, String method) {
    return (topic == null ? "rpc" : topic) + "/" + method;
  }

  /** Starts a client span per call or cast and puts its trace into the request context. */
  public ClientInterceptor clientInterceptor() {
    return (invocation, chain) -> {
      Span span = tracer.spanBuilder(spanName(invocation.target().topic(), invocation.method()))
          .setSpanKind(invocation.kind() == ClientInvocation.Kind.CAST ? SpanKind.PRODUCER : SpanKind.CLIENT)
          .setAttribute("rpc.system", "oslo.messaging")
          .setAttribute("rpc.method", invocation.method())
          .setAttribute("messaging.destination.name", String.valueOf(invocation.target().topic()))
          .startSpan();
      Context context = Context.current().with(span);
      Map<String, String> carrier = new LinkedHashMap<>();
      propagator.inject(context, carrier, Map::put);
      RequestContext.Builder rc = invocation.context() == null ? RequestContext.builder()
          : invocation.context().toBuilder();
      carrier.forEach(rc::put);
      CompletableFuture<Object> result;
      try (Scope ignored = context.makeCurrent()) {
        result = chain.proceed(invocation.withContext(rc.build()));
      } catch (RuntimeException e) {
        end(span, e);
        throw e;
      }
      return result.whenComplete((r, e) -> end(span, e));
    };
  }

  /** Starts a server span per request, child of the caller's span when the context carries one. */
  public ServerInterceptor serverInterceptor() {
    return (invocation, chain) -> {
      RequestContext ctx = invocation.context();
      Context parent = ctx == null ? Context.root() : propagator.extract(Context.root(), ctx, CONTEXT_GETTER);
      Span span = tracer.spanBuilder(spanName(invocation.target().topic(), invocation.method()))
          .setParent(parent)
          .setSpanKind(invocation.isCall() ? SpanKind.SERVER : SpanKind.CONSUMER)
          .setAttribute("rpc.system", "oslo.messaging")
          .setAttribute("rpc.method", invocation.method())
          .startSpan();
      Object result;
      try (Scope ignored = parent.with(span).makeCurrent()) {
        result = chain.proceed(invocation);
      } catch (Exception | Error e) {
        end(span, e);
        throw e;
      }
      if (result instanceof CompletionStage<?> stage) {
        stage.whenComplete((r, e) -> end(span, e));
      } else {
        end(span, null);
      }
      return result;
    };
  }

  private static void end(Span span, Throwable error) {
    if (error != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      span.recordException(error);
    }
    span.end();
  }
}
