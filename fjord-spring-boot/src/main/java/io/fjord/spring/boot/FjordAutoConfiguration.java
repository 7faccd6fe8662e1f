package io.fjord.spring.boot;

import io.fjord.notify.NotificationDriver;
import io.fjord.notify.Notifier;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Fjord: one {@link Transport} (closed last), an {@link FjordRpcServers} serving the
 * {@code @RpcEndpoint} beans, the typed-client groups ({@link FjordRpcClients}, used by
 * {@link ImportRpcClients}), a {@link Notifier} and an {@link FjordNotificationListeners} serving the
 * {@link NotificationListener} beans. Every bean backs off when the application defines its own.
 */
@AutoConfiguration
@ConditionalOnClass(Transport.class)
@EnableConfigurationProperties(FjordProperties.class)
public class FjordAutoConfiguration {

  /** The property Spring Boot's lifecycle processor waits for each shutdown phase. */
  static final String SHUTDOWN_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

  /**
   * The transport, opened from {@code fjord.transport-url} with the {@code fjord.rabbit.*} options and the
   * {@link TransportCustomizer}s; closed when the context is destroyed, after everything that uses it.
   *
   * @throws TransportUrlMissingException when no URL is configured
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Transport fjordTransport(FjordProperties properties, Environment environment,
                                  ObjectProvider<TransportCustomizer> customizers) {
    String url = properties.getTransportUrl();
    if (url == null || url.isBlank()) {
      url = environment.getProperty("FJORD_TRANSPORT_URL");
    }
    if (url == null || url.isBlank()) {
      throw new TransportUrlMissingException();
    }
    TransportUrl parsed = properties.getRabbit().applyTo(TransportUrl.parse(url.trim()));
    TransportOptions.Builder options = TransportOptions.builder();
    if (properties.getControlExchange() != null) {
      options.controlExchange(properties.getControlExchange());
    }
    String connectionName = properties.getConnectionName() != null ? properties.getConnectionName()
        : environment.getProperty("spring.application.name");
    if (connectionName != null) {
      options.connectionName(connectionName);
    }
    if (properties.getCloseTimeout() != null) {
      options.closeTimeout(properties.getCloseTimeout());
    }
    customizers.orderedStream().forEach(c -> c.customize(options));
    return Transport.open(parsed, options.build());
  }

  /** Serves the {@code @RpcEndpoint} beans; started after every singleton, stopped before the transport closes. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "fjord.server.enabled", matchIfMissing = true)
  public FjordRpcServers fjordRpcServers(Transport transport, FjordProperties properties, ListableBeanFactory beans,
                                         Environment environment, ObjectProvider<RpcServerCustomizer> customizers) {
    return new FjordRpcServers(transport, properties.getServer(), beans, environment,
        customizers.orderedStream().toList(), virtualThreads(environment), shutdownTimeout(environment));
  }

  /** The clients of the typed-client groups. */
  @Bean
  @ConditionalOnMissingBean
  public FjordRpcClients fjordRpcClients(Transport transport, FjordProperties properties,
                                         ObjectProvider<RpcClientCustomizer> customizers) {
    return new FjordRpcClients(transport, properties.getClient(), customizers.orderedStream().toList());
  }

  /**
   * Boot's rule for virtual threads ({@code spring.threads.virtual.enabled} on Java 21+), read here because
   * Boot's {@code Threading} moved package between Boot 3 and 4.
   */
  static boolean virtualThreads(Environment environment) {
    return Runtime.version().feature() >= 21
        && environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false);
  }

  static Duration shutdownTimeout(Environment environment) {
    return Binder.get(environment).bind(SHUTDOWN_TIMEOUT, Duration.class).orElse(Duration.ofSeconds(30));
  }

  /** The notifier and the notification listeners. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Notifier.class)
  @ConditionalOnBooleanProperty(name = "fjord.notifications.enabled", matchIfMissing = true)
  static class NotificationsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Notifier fjordNotifier(Transport transport, FjordProperties properties, Environment environment,
                           ObjectProvider<NotifierCustomizer> customizers) {
      FjordProperties.Notifications n = properties.getNotifications();
      List<NotifierCustomizer> all = customizers.orderedStream().toList();
      NotificationDriver driver = driver(n.getDriver());
      for (NotifierCustomizer c : all) {
        driver = c.driver(driver);
      }
      String publisherId = n.getPublisherId() != null ? n.getPublisherId()
          : environment.getProperty("spring.application.name", "fjord") + "." + FjordRpcServers.hostName();
      Notifier.Builder builder = Notifier.builder(transport).publisherId(publisherId)
          .topics(n.getTopics().toArray(String[]::new)).driver(driver);
      if (n.getTimeout() != null) {
        builder.timeout(n.getTimeout());
      }
      if (n.getRetry() != null) {
        builder.retry(n.getRetry());
      }
      for (NotifierCustomizer c : all) {
        c.customize(builder);
      }
      return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    FjordNotificationListeners fjordNotificationListeners(Transport transport, ListableBeanFactory beans,
        Environment environment, ObjectProvider<NotificationListenerCustomizer> customizers) {
      return new FjordNotificationListeners(transport, beans, environment, customizers.orderedStream().toList(),
          virtualThreads(environment), shutdownTimeout(environment));
    }

    static NotificationDriver driver(String name) {
      switch (name == null ? "messagingv2" : name.trim().toLowerCase(Locale.ROOT)) {
        case "messagingv2":
          return NotificationDriver.messagingV2();
        case "messaging":
          return NotificationDriver.messaging();
        case "log":
          return NotificationDriver.log();
        case "noop":
          return NotificationDriver.noop();
        default:
          throw new IllegalArgumentException("Unknown fjord.notifications.driver '" + name
              + "': expected messagingv2, messaging, log or noop (oslo's driver names)");
      }
    }
  }
}
