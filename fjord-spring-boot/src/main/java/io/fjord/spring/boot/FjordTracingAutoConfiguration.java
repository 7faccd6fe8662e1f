package io.fjord.spring.boot;

import io.fjord.otel.FjordTracing;
import io.fjord.rpc.Target;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Traces Fjord's calls with the application's {@link OpenTelemetry} ({@code rpc-opentelemetry}) when both are
 * there: a client span per call or cast, a server span per request, the W3C trace context carried in the
 * request context as oslo services pass it along. Off with {@code fjord.tracing.enabled=false}.
 */
@AutoConfiguration(before = FjordAutoConfiguration.class, afterName = {
    "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration", // Boot 4
    "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"}) // Boot 3
@ConditionalOnClass({FjordTracing.class, OpenTelemetry.class})
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnBooleanProperty(name = "fjord.tracing.enabled", matchIfMissing = true)
public class FjordTracingAutoConfiguration {

  /** The tracing interceptors, on the application's OpenTelemetry. */
  @Bean
  @ConditionalOnMissingBean
  public FjordTracing fjordTracing(OpenTelemetry openTelemetry) {
    return FjordTracing.create(openTelemetry);
  }

  /** A client span per call and cast of every typed client. */
  @Bean
  public RpcClientCustomizer fjordTracingClientCustomizer(FjordTracing tracing) {
    return (String group, RpcClient.Builder builder) -> builder.interceptor(tracing.clientInterceptor());
  }

  /** A server span per request of every server. */
  @Bean
  public RpcServerCustomizer fjordTracingServerCustomizer(FjordTracing tracing) {
    return (Target target, RpcServer.Builder builder) -> builder.interceptor(tracing.serverInterceptor());
  }
}
