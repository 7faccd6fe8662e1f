package io.fjord.spring.boot;

/**
 * Callback that adjusts the {@link io.fjord.notify.NotificationListener} of each {@link NotificationListener}
 * bean (observer, executor, batching) after the annotation's settings were applied. Beans of this type run in
 * {@link org.springframework.core.Ordered} order, on the thread starting the application context.
 */
@FunctionalInterface
public interface NotificationListenerCustomizer {

  /** Adjusts the builder of the listener serving the bean named {@code beanName}. */
  void customize(String beanName, io.fjord.notify.NotificationListener.Builder builder);
}
