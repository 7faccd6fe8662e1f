package io.fjord.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import io.fjord.testkit.FjordKit;
import io.fjord.testkit.FjordTest;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One trace across a call and the nested call its endpoint makes, carried in the request context; on
 * the test broker (the project's test kit), else memory://.
 */
@FjordTest(allowMemory = true)
class FjordTracingIT {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final FjordTracing tracing = FjordTracing.create(otel);
  @AfterEach
  void close() {
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
  void aCallAndItsNestedCallShareOneTrace(FjordKit kit) {
    String innerTopic = kit.topic("inner");
    String outerTopic = kit.topic("outer");
    Transport transport = kit.transport();
    Inner innerEndpoint = new Inner();
    kit.startServer(innerTopic, "s", tracing.serverInterceptor(), innerEndpoint);
    RpcClient innerClient = RpcClient.builder(transport, Target.topic(innerTopic))
        .interceptor(tracing.clientInterceptor()).build();
    kit.startServer(outerTopic, "s", tracing.serverInterceptor(), new Outer(innerClient));
    RpcClient client = RpcClient.builder(transport, Target.topic(outerTopic))
        .interceptor(tracing.clientInterceptor()).build();

    assertThat(client.call(RequestContext.builder().requestId("req-1").build(), "outer", Map.of(), String.class))
        .isEqualTo("outer+inner");

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(4);
    SpanData clientOuter = span(spans, outerTopic + "/outer", SpanKind.CLIENT);
    SpanData serverOuter = span(spans, outerTopic + "/outer", SpanKind.SERVER);
    SpanData clientInner = span(spans, innerTopic + "/inner", SpanKind.CLIENT);
    SpanData serverInner = span(spans, innerTopic + "/inner", SpanKind.SERVER);
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
  void aRemoteErrorMarksTheClientSpanAsFailed(FjordKit kit) {
    String topic = kit.topic("err");
    kit.startServer(topic, "s", tracing.serverInterceptor(), new Inner());
    RpcClient client = RpcClient.builder(kit.transport(), Target.topic(topic))
        .interceptor(tracing.clientInterceptor()).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.call(null, "missing", Map.of(), String.class))
        .isInstanceOf(io.fjord.rpc.NoSuchRpcMethodException.class);
    SpanData span = span(exporter.getFinishedSpanItems(), topic + "/missing", SpanKind.CLIENT);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
  }

  private static SpanData span(List<SpanData> spans, String name, SpanKind kind) {
    return spans.stream().filter(s -> s.getName().equals(name) && s.getKind() == kind).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " span " + name + " in " + spans));
  }
}
