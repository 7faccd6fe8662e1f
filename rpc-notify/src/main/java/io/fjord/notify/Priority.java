package io.fjord.notify;

import java.util.Locale;

/**
 * A notification's priority, as oslo.messaging names them: UPPER case in the message body, lower
 * case in the routing key and queue name ({@code notifications.info}).
 */
public enum Priority {
  AUDIT, DEBUG, INFO, WARN, ERROR, CRITICAL, SAMPLE;

  /** The body's {@code priority} value, e.g. {@code INFO}. */
  public String wireName() {
    return name();
  }

  /** The routing-key suffix and endpoint method name, e.g. {@code info}. */
  public String routingName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a priority in any case; {@code warning} is {@link #WARN}, as oslo's notifier method.
   *
   * @throws IllegalArgumentException naming the known priorities
   */
  public static Priority parse(String text) {
    if (text != null) {
      String t = text.trim().toUpperCase(Locale.ROOT);
      if (t.equals("WARNING")) {
        return WARN;
      }
      for (Priority p : values()) {
        if (p.name().equals(t)) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException("Unknown notification priority '" + text
        + "'; known: audit, debug, info, warn (warning), error, critical, sample");
  }
}
