package io.fjord.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.Transport;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator (Spring Boot 4's spring-boot-health): its conditions and what it reports. */
class FjordHealthAutoConfigurationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(FjordAutoConfiguration.class, FjordHealthAutoConfiguration.class))
      .withPropertyValues("fjord.transport-url=memory://", "fjord.server.topic=sb-echo", "fjord.server.server=host-1",
          "fjord.client.echoes.topic=sb-echo");

  @Test
  @SuppressWarnings("unchecked")
  void reportsConnectionBrokerReplyQueueServersAndListeners() {
    runner.withUserConfiguration(FjordAutoConfigurationTests.Endpoints.class, FjordAutoConfigurationTests.Listeners.class)
        .run(context -> {
          HealthIndicator indicator = context.getBean("fjordHealthIndicator", HealthIndicator.class);
          Health before = indicator.health();
          assertThat(before.getStatus()).isEqualTo(Status.UP);
          assertThat(before.getDetails()).containsEntry("state", "connected").containsEntry("url", "memory:///")
              .containsEntry("broker", "memory in-process").doesNotContainKey("replyQueue");
          assertThat((Map<String, Object>) before.getDetails().get("servers")).containsEntry("sb-echo.host-1", "running");
          assertThat((Map<String, Object>) before.getDetails().get("listeners"))
              .containsEntry("NotificationListener for bean 'audit'", "running");
          context.getBean(TestApis.EchoApi.class).echo("opens the reply queue");
          assertThat(indicator.health().getDetails()).containsKey("replyQueue");
        });
  }

  @Test
  void downOnceTheTransportIsClosed() {
    runner.run(context -> {
      context.getBean(Transport.class).close();
      Health health = context.getBean(FjordHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("state", "closed");
    });
  }

  @Test
  void passwordNeverShown() {
    Transport transport = Transport.open("memory://");
    try {
      assertThat(new FjordHealthIndicator(transport, null, null).health().getDetails().toString()).doesNotContain("guest:");
    } finally {
      transport.close();
    }
  }

  @Test
  void offWhenDisabledOrWithoutTheHealthModule() {
    runner.withPropertyValues("management.health.fjord.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(FjordHealthIndicator.class));
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FjordHealthIndicator.class));
  }
}
