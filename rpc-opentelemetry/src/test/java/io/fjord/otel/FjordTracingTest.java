package io.fjord.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One trace across a call and the nested call its endpoint makes, carried in the request context. */
class FjordTracingTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final FjordTracing tracing = FjordTracing.create(otel);
  private final Transport transport = Transport.open("memory://");

  @AfterEach
  void close() {
    transport.close();
    otel.close();
  }

  /** The inner service. */
  public static final class Inner {
    final AtomicReference<RequestContext> seen = new AtomicReference<>();

    public String inner(RequestContext ctx) {
      seen.set(ctx);
      return "inner";
    }
  }

  /** The outer service: calls the inner one while handling its own call. */
  public static final class Outer {
    private final RpcClient inner;

    Outer(RpcClient inner) {
      this.inner = inner;
    }

    public String outer(RequestContext ctx) {
      return "outer+" + inner.call(ctx, "inner", Map.of(), String.class);
    }
  }

  @Test
  void aCallAndItsNestedCallShareOneTrace() {
    String id = UUID.randomUUID().toString().substring(0, 8);
    Inner innerEndpoint = new Inner();
    RpcServer.builder(transport, Target.topic("inner_" + id).withServer("s")).endpoint(innerEndpoint)
        .interceptor(tracing.serverInterceptor()).build().start();
    RpcClient innerClient = RpcClient.builder(transport, Target.topic("inner_" + id))
        .interceptor(tracing.clientInterceptor()).build();
    RpcServer.builder(transport, Target.topic("outer_" + id).withServer("s")).endpoint(new Outer(innerClient))
        .interceptor(tracing.serverInterceptor()).build().start();
    RpcClient client = RpcClient.builder(transport, Target.topic("outer_" + id))
        .interceptor(tracing.clientInterceptor()).build();

    assertThat(client.call(RequestContext.builder().requestId("req-1").build(), "outer", Map.of(), String.class))
        .isEqualTo("outer+inner");

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(4);
    SpanData clientOuter = span(spans, "outer_" + id + "/outer", SpanKind.CLIENT);
    SpanData serverOuter = span(spans, "outer_" + id + "/outer", SpanKind.SERVER);
    SpanData clientInner = span(spans, "inner_" + id + "/inner", SpanKind.CLIENT);
    SpanData serverInner = span(spans, "inner_" + id + "/inner", SpanKind.SERVER);
    assertThat(spans).extracting(SpanData::getTraceId).containsOnly(clientOuter.getTraceId());
    assertThat(serverOuter.getParentSpanId()).isEqualTo(clientOuter.getSpanId());
    assertThat(clientInner.getParentSpanId()).isEqualTo(serverOuter.getSpanId());
    assertThat(serverInner.getParentSpanId()).isEqualTo(clientInner.getSpanId());
    // on the wire it is a plain context key (_context_traceparent), which oslo peers pass along
    assertThat((String) innerEndpoint.seen.get().get("traceparent"))
        .matches("00-" + clientOuter.getTraceId() + "-" + clientInner.getSpanId() + "-[0-9a-f]{2}");
    assertThat(innerEndpoint.seen.get().requestId()).isEqualTo("req-1");
  }

  @Test
  void aRemoteErrorMarksTheClientSpanAsFailed() {
    String id = UUID.randomUUID().toString().substring(0, 8);
    RpcServer.builder(transport, Target.topic("err_" + id).withServer("s")).endpoint(new Inner())
        .interceptor(tracing.serverInterceptor()).build().start();
    RpcClient client = RpcClient.builder(transport, Target.topic("err_" + id))
        .interceptor(tracing.clientInterceptor()).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.call(null, "missing", Map.of(), String.class))
        .isInstanceOf(io.fjord.rpc.NoSuchRpcMethodException.class);
    SpanData span = span(exporter.getFinishedSpanItems(), "err_" + id + "/missing", SpanKind.CLIENT);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
  }

  private static SpanData span(List<SpanData> spans, String name, SpanKind kind) {
    return spans.stream().filter(s -> s.getName().equals(name) && s.getKind() == kind).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " span " + name + " in " + spans));
  }
}
