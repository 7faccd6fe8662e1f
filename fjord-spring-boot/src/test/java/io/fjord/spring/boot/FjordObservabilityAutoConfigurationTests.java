package io.fjord.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.micrometer.FjordMetrics;
import io.fjord.notify.Notifier;
import io.fjord.otel.FjordTracing;
import io.fjord.rpc.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Metrics and tracing: present with their registry or OpenTelemetry bean, absent without, and their switches. */
class FjordObservabilityAutoConfigurationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(FjordAutoConfiguration.class, FjordMetricsAutoConfiguration.class,
          FjordTracingAutoConfiguration.class))
      .withPropertyValues("fjord.transport-url=memory://", "fjord.server.topic=sb-echo",
          "fjord.client.echoes.topic=sb-echo");

  @Test
  void metersAreBoundToTheApplicationsRegistry() {
    runner.withUserConfiguration(FjordAutoConfigurationTests.Endpoints.class, FjordAutoConfigurationTests.Listeners.class)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
          assertThat(context).hasSingleBean(FjordMetrics.class);
          context.getBean(TestApis.EchoApi.class).echo("counted");
          context.getBean(Notifier.class).info(RequestContext.empty(), "compute.x", Map.of());
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.find("fjord.rpc.client.calls").timer()).isNotNull();
          assertThat(registry.find("fjord.rpc.client.calls").timer().count()).isEqualTo(1);
          assertThat(registry.find("fjord.rpc.server.dispatch").timer()).isNotNull();
          assertThat(registry.find("fjord.rpc.server.max.in.progress").gauge()).isNotNull();
          assertThat(registry.find("fjord.notifications.sent").counter()).isNotNull();
        });
  }

  @Test
  void noMetricsWithoutARegistryOrWithoutMicrometerOrWhenTurnedOff() {
    runner.run(context -> assertThat(context).doesNotHaveBean(FjordMetrics.class));
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("fjord.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(FjordMetrics.class));
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader(FjordMetrics.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("fjordMetrics"));
  }

  @Test
  void tracingUsesTheApplicationsOpenTelemetry() {
    runner.withUserConfiguration(FjordAutoConfigurationTests.Endpoints.class)
        .withBean(OpenTelemetry.class, OpenTelemetry::noop).run(context -> {
          assertThat(context).hasSingleBean(FjordTracing.class);
          assertThat(context.getBean(TestApis.EchoApi.class).echo("traced")).isEqualTo("traced");
        });
  }

  @Test
  void noTracingWithoutOpenTelemetryOrWhenTurnedOff() {
    runner.run(context -> assertThat(context).doesNotHaveBean(FjordTracing.class));
    runner.withBean(OpenTelemetry.class, OpenTelemetry::noop).withPropertyValues("fjord.tracing.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(FjordTracing.class));
    runner.withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .withClassLoader(new FilteredClassLoader(FjordTracing.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("fjordTracing"));
  }
}
