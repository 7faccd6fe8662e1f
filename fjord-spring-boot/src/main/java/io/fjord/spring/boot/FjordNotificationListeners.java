package io.fjord.spring.boot;

import io.fjord.notify.NotificationFilter;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.util.ClassUtils;

/**
 * Serves every bean annotated {@link NotificationListener} with an {@link io.fjord.notify.NotificationListener}
 * of its own, started when the application context starts and drained when it stops, before the transport
 * closes: notifications being handled finish and are acknowledged; those not yet handled stay on the broker.
 *
 * <p>Thread-safe.
 */
public final class FjordNotificationListeners extends ServiceLifecycle {
  private static final Logger log = LoggerFactory.getLogger(FjordNotificationListeners.class);

  private final Transport transport;
  private final ListableBeanFactory beans;
  private final Environment environment;
  private final List<NotificationListenerCustomizer> customizers;
  private final boolean virtualThreads;

  FjordNotificationListeners(Transport transport, ListableBeanFactory beans, Environment environment,
                             List<NotificationListenerCustomizer> customizers, boolean virtualThreads,
                             Duration shutdownTimeout) {
    super(shutdownTimeout);
    this.transport = transport;
    this.beans = beans;
    this.environment = environment;
    this.customizers = customizers;
    this.virtualThreads = virtualThreads;
  }

  /** The names of the listeners of the current run and whether each is running, for health checks. */
  public java.util.Map<String, Boolean> listeners() {
    java.util.Map<String, Boolean> result = new java.util.LinkedHashMap<>();
    for (Service s : services()) {
      result.put(s.name(), s.isRunning());
    }
    return result;
  }

  @Override
  List<Service> open() {
    List<Service> started = new ArrayList<>();
    for (String name : beans.getBeanNamesForAnnotation(NotificationListener.class)) {
      Object bean = beans.getBean(name);
      Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
      NotificationListener a = AnnotatedElementUtils.findMergedAnnotation(userClass, NotificationListener.class);
      if (a == null) {
        continue;
      }
      io.fjord.notify.NotificationListener listener = build(name, bean, a);
      listener.start();
      String description = "NotificationListener for bean '" + name + "'";
      started.add(new ListenerService(description, listener));
      log.info("Listening for notifications with {}", listener);
    }
    return started;
  }

  private io.fjord.notify.NotificationListener build(String name, Object bean, NotificationListener a) {
    io.fjord.notify.NotificationListener.Builder builder = io.fjord.notify.NotificationListener.builder(transport);
    String exchange = text(a.exchange());
    if (a.topics().length == 0) {
      throw new IllegalStateException("@NotificationListener bean '" + name + "' names no topic");
    }
    for (String topic : a.topics()) {
      Target target = Target.topic(environment.resolveRequiredPlaceholders(topic));
      builder.target(exchange == null ? target : target.withExchange(exchange));
    }
    NotificationFilter.Builder filter = NotificationFilter.builder();
    String eventType = text(a.eventType());
    if (eventType != null) {
      filter.eventType(eventType);
    }
    String publisherId = text(a.publisherId());
    if (publisherId != null) {
      filter.publisherId(publisherId);
    }
    builder.endpoint(bean, filter.build());
    String pool = text(a.pool());
    if (pool != null) {
      builder.pool(pool);
    }
    builder.allowRequeue(a.allowRequeue());
    if (a.maxRedeliveries() >= 0) {
      builder.maxRedeliveries(a.maxRedeliveries());
    }
    String deadLetter = text(a.deadLetterTopic());
    if (deadLetter != null) {
      builder.deadLetterTopic(deadLetter);
    }
    if (virtualThreads) {
      builder.executor(new VirtualThreadTaskExecutor("fjord-notify-" + name + "-"));
    }
    for (NotificationListenerCustomizer c : customizers) {
      c.customize(name, builder);
    }
    return builder.build();
  }

  private String text(String value) {
    return value == null || value.isEmpty() ? null : environment.resolveRequiredPlaceholders(value);
  }

  private static final class ListenerService implements Service {
    private final String name;
    private final io.fjord.notify.NotificationListener listener;

    ListenerService(String name, io.fjord.notify.NotificationListener listener) {
      this.name = name;
      this.listener = listener;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean isRunning() {
      return listener.isRunning();
    }

    @Override
    public void stop() {
      listener.stop();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
      return listener.awaitTermination(timeout);
    }

    @Override
    public void close() {
      listener.close();
    }
  }
}
