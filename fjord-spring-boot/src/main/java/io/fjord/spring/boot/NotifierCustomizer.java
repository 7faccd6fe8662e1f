package io.fjord.spring.boot;

import io.fjord.notify.NotificationDriver;
import io.fjord.notify.Notifier;

/**
 * Callback that adjusts the auto-configured {@link Notifier} after the {@code fjord.notifications.*}
 * properties were applied: it may wrap the driver the properties chose (metrics do) and adjust the builder.
 * Beans of this type run in {@link org.springframework.core.Ordered} order, once, when the notifier is created.
 */
public interface NotifierCustomizer {

  /** The driver to send with, given the one the properties (and earlier customizers) chose. Default: it. */
  default NotificationDriver driver(NotificationDriver driver) {
    return driver;
  }

  /** Adjusts {@code builder}, whose driver is already set. Default: nothing. */
  default void customize(Notifier.Builder builder) {
  }
}
