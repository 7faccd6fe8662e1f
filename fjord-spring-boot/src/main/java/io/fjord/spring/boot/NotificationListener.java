package io.fjord.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean as a notification endpoint: the auto-configuration serves it with an
 * {@link io.fjord.notify.NotificationListener} started and stopped with the application context. The bean's
 * methods handle priorities as any Fjord notification endpoint's do: a public method named after a priority
 * ({@code info}, {@code warn}, {@code error}, ...) or annotated {@link io.fjord.notify.OnNotification}.
 *
 * <pre>{@code
 * @Component
 * @NotificationListener(topics = "notifications", pool = "billing", eventType = "compute\\.instance\\..*")
 * class Billing {
 *   public void info(RequestContext ctx, String publisherId, String eventType, Instance payload, Metadata m) { ... }
 * }
 * }</pre>
 *
 * <p>String attributes may use {@code ${...}} placeholders.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface NotificationListener {

  /** Topics to listen on (oslo's notification topics). */
  String[] topics() default "notifications";

  /** Exchange of the topics; {@code ""}: the control exchange. */
  String exchange() default "";

  /**
   * Pool: listeners of one pool share a queue and each pool gets every notification; {@code ""}: the shared
   * {@code <topic>.<priority>} queues (competing with every other listener without a pool), as oslo.
   */
  String pool() default "";

  /** Regular expression the start of the event type must match (Python's re.match, as oslo's filter); {@code ""}: any. */
  String eventType() default "";

  /** Regular expression the start of the publisher id must match; {@code ""}: any. */
  String publisherId() default "";

  /** Whether a {@code REQUEUE} result requeues the notification. */
  boolean allowRequeue() default false;

  /** Redeliveries before a poison notification is dead-lettered or dropped; -1: Fjord's default (5). */
  int maxRedeliveries() default -1;

  /** Topic poison notifications go to; {@code ""}: dropped with an error log. */
  String deadLetterTopic() default "";
}
