package io.fjord.notify;

import io.fjord.rpc.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which notifications an endpoint sees (oslo's {@code NotificationFilter}): regular expressions on
 * the event type, the publisher id, and keys of the context, payload and metadata. A notification
 * passes when every rule matches the <em>start</em> of its value (Python's {@code re.match}); a missing
 * key or a non-string value fails the rule. Immutable and thread-safe.
 *
 * <pre>{@code NotificationFilter.builder().eventType("compute\\.instance\\..*").build()}</pre>
 */
public final class NotificationFilter {
  /** Lets everything through. */
  public static final NotificationFilter ALL = builder().build();

  private final Pattern eventType;
  private final Pattern publisherId;
  private final Map<String, Pattern> context;
  private final Map<String, Pattern> payload;
  private final Map<String, Pattern> metadata;

  private NotificationFilter(Builder b) {
    this.eventType = b.eventType;
    this.publisherId = b.publisherId;
    this.context = Map.copyOf(b.context);
    this.payload = Map.copyOf(b.payload);
    this.metadata = Map.copyOf(b.metadata);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Shorthand for a filter on the event type only. */
  public static NotificationFilter eventType(String regex) {
    return builder().eventType(regex).build();
  }

  /** True when {@code n} passes every rule. */
  public boolean matches(ReceivedNotification n) {
    if (!match(eventType, n.eventType()) || !match(publisherId, n.publisherId())) {
      return false;
    }
    RequestContext ctx = n.context();
    for (Map.Entry<String, Pattern> e : context.entrySet()) {
      if (!match(e.getValue(), ctx.get(e.getKey()))) {
        return false;
      }
    }
    for (Map.Entry<String, Pattern> e : payload.entrySet()) {
      var v = n.payload() == null ? null : n.payload().get(e.getKey());
      if (!match(e.getValue(), v != null && v.isTextual() ? v.textValue() : null)) {
        return false;
      }
    }
    for (Map.Entry<String, Pattern> e : metadata.entrySet()) {
      String v = switch (e.getKey()) {
        case "message_id" -> n.metadata().messageId();
        case "timestamp" -> n.metadata().timestamp();
        default -> null;
      };
      if (!match(e.getValue(), v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean match(Pattern p, Object value) {
    return p == null || (value instanceof String s && p.matcher(s).lookingAt());
  }

  @Override
  public String toString() {
    return "NotificationFilter{eventType=" + eventType + ", publisherId=" + publisherId + ", context=" + context
        + ", payload=" + payload + ", metadata=" + metadata + "}";
  }

  /** Builds a {@link NotificationFilter}; not thread-safe. */
  public static final class Builder {
    private Pattern eventType;
    private Pattern publisherId;
    private final Map<String, Pattern> context = new LinkedHashMap<>();
    private final Map<String, Pattern> payload = new LinkedHashMap<>();
    private final Map<String, Pattern> metadata = new LinkedHashMap<>();

    private Builder() {
    }

    public Builder eventType(String regex) {
      this.eventType = Pattern.compile(Objects.requireNonNull(regex, "regex"));
      return this;
    }

    public Builder publisherId(String regex) {
      this.publisherId = Pattern.compile(Objects.requireNonNull(regex, "regex"));
      return this;
    }

    public Builder context(String key, String regex) {
      context.put(key, Pattern.compile(regex));
      return this;
    }

    public Builder payload(String key, String regex) {
      payload.put(key, Pattern.compile(regex));
      return this;
    }

    /** {@code message_id} or {@code timestamp}. */
    public Builder metadata(String key, String regex) {
      metadata.put(key, Pattern.compile(regex));
      return this;
    }

    public NotificationFilter build() {
      return new NotificationFilter(this);
    }
  }
}
