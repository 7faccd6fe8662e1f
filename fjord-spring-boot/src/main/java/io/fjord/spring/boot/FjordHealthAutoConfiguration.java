package io.fjord.spring.boot;

import io.fjord.rpc.Transport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Fjord's health indicator for Actuator ({@code management.health.fjord.enabled}), present with Spring Boot 4's
 * {@code spring-boot-health} module. Spring Boot 3's Actuator keeps its health types in another package; there
 * this configuration backs off (see the README). The condition names the classes as strings and the beans live
 * in a nested class, so that nothing here loads a Boot 4 type unless it is there.
 */
@AutoConfiguration(after = FjordAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
    "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
public class FjordHealthAutoConfiguration {

  /** The indicator, named {@code fjord} in Actuator's health. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(Transport.class)
  @ConditionalOnEnabledHealthIndicator("fjord")
  static class HealthIndicatorConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "fjordHealthIndicator")
    FjordHealthIndicator fjordHealthIndicator(Transport transport, ObjectProvider<FjordRpcServers> servers,
                                              ObjectProvider<FjordNotificationListeners> listeners) {
      return new FjordHealthIndicator(transport, servers.getIfAvailable(), listeners.getIfAvailable());
    }
  }
}
