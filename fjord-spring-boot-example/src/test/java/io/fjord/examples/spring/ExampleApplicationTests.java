package io.fjord.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The example application on {@code memory://}, wired by the auto-configuration as Boot would. */
class ExampleApplicationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(io.fjord.spring.boot.FjordAutoConfiguration.class,
          io.fjord.spring.boot.FjordHealthAutoConfiguration.class))
      .withUserConfiguration(ExampleApplication.class)
      .withPropertyValues("fjord.transport-url=memory://", "example.demo=false", "fjord.server.topic=example-memory",
          "fjord.client.greeter.topic=example-memory", "fjord.notifications.topics=example-memory-notifications",
          "example.audit-pool=example-memory-audit");

  @Test
  void typedClientCallsTheEndpointAndTheListenerHearsTheNotification() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      GreeterApi greeter = context.getBean(GreeterApi.class);
      assertThat(greeter).isNotInstanceOf(Greeter.class);
      assertThat(greeter.greet("memory")).isEqualTo("hello memory");
      assertThat(context.getBean(GreetingAudit.class).await("greeter.greeted", Duration.ofSeconds(5))).isNotNull();
      assertThat(context).hasBean("fjordHealthIndicator");
    });
  }
}
