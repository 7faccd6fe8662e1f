package io.fjord.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.Transport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What differs on Spring Boot 3: the Boot 4 health types are absent, so the health configuration backs off. */
class Boot3CompatibilityTests {

  @Test
  void runsOnSpringBoot3() {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
  }

  @Test
  void everyAutoConfigurationLoadsAndHealthBacksOff() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FjordAutoConfiguration.class, FjordHealthAutoConfiguration.class,
            FjordMetricsAutoConfiguration.class, FjordTracingAutoConfiguration.class))
        .withPropertyValues("fjord.transport-url=memory://")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Transport.class);
          assertThat(context).doesNotHaveBean("fjordHealthIndicator");
        });
  }
}
