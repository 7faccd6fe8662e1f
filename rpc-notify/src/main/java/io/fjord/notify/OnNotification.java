package io.fjord.notify;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a listener endpoint method for the given priorities, whatever its name. Without it, a
 * public method named after a priority ({@code info}, {@code warn}, {@code error}, ...) handles that
 * priority, as in oslo.
 *
 * <p>Parameters, as oslo's endpoint callback: {@code (RequestContext ctx, String publisherId,
 * String eventType, T payload, ReceivedNotification.Metadata metadata)} with the payload converted
 * to {@code T}; or a single {@link ReceivedNotification}; or, in a batch listener, a single
 * {@code List<ReceivedNotification>}. Return {@code void} or {@link NotificationResult}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnNotification {
  Priority[] value();
}
