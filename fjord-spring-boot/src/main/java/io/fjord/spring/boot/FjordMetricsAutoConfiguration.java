package io.fjord.spring.boot;

import io.fjord.micrometer.FjordMetrics;
import io.fjord.notify.NotificationDriver;
import io.fjord.rpc.Target;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds Fjord's meters ({@code rpc-micrometer}) to the application's {@link MeterRegistry} when both are there:
 * client and server interceptors, the server gauges ({@link FjordMetrics#bind(RpcServer)}), sent and received
 * notifications. Off with {@code fjord.metrics.enabled=false}.
 */
@AutoConfiguration(before = FjordAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration", // Boot 4
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"}) // Boot 3
@ConditionalOnClass({FjordMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "fjord.metrics.enabled", matchIfMissing = true)
public class FjordMetricsAutoConfiguration {

  /** The meters, on the application's registry. */
  @Bean
  @ConditionalOnMissingBean
  public FjordMetrics fjordMetrics(MeterRegistry registry) {
    return FjordMetrics.create(registry);
  }

  /** Times every typed client's calls and casts. */
  @Bean
  public RpcClientCustomizer fjordMetricsClientCustomizer(FjordMetrics metrics) {
    return (String group, RpcClient.Builder builder) -> builder.interceptor(metrics.clientInterceptor());
  }

  /** Times every server's dispatch and binds its in-progress gauges. */
  @Bean
  public RpcServerCustomizer fjordMetricsServerCustomizer(FjordMetrics metrics) {
    return new RpcServerCustomizer() {
      @Override
      public void customize(Target target, RpcServer.Builder builder) {
        builder.interceptor(metrics.serverInterceptor());
      }

      @Override
      public void built(RpcServer server) {
        metrics.bind(server);
      }
    };
  }

  /** Counts sent notifications. */
  @Bean
  public NotifierCustomizer fjordMetricsNotifierCustomizer(FjordMetrics metrics) {
    return new NotifierCustomizer() {
      @Override
      public NotificationDriver driver(NotificationDriver driver) {
        return metrics.notificationDriver(driver);
      }
    };
  }

  /** Counts received notifications by outcome. */
  @Bean
  public NotificationListenerCustomizer fjordMetricsListenerCustomizer(FjordMetrics metrics) {
    return (name, builder) -> builder.observer(metrics.notificationObserver());
  }
}
