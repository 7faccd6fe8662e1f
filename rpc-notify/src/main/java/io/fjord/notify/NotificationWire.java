package io.fjord.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.internal.Contexts;
import io.fjord.rpc.internal.Ids;
import io.fjord.rpc.internal.WireJson;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The notification message format (WIRE.md 2.6, 4.3). */
final class NotificationWire {
  private NotificationWire() {
  }

  /** The context keys a notification may carry (oslo's {@code _sanitize_context}). */
  static final Set<String> SAFE_CONTEXT_KEYS = Set.of("user_id", "project_id", "domain_id", "user_domain_id",
      "project_domain_id", "is_admin", "request_id", "roles", "user_name", "project_name", "domain_name",
      "user_domain_name", "project_domain_name", "service_user_id", "service_user_domain_id",
      "service_user_domain_name", "service_project_id", "service_project_name", "service_project_domain_id",
      "service_project_domain_name", "service_roles", "global_request_id", "system_scope", "user", "domain",
      "user_domain", "project_domain");

  static RequestContext sanitize(RequestContext context) {
    if (context == null || context.isEmpty()) {
      return RequestContext.empty();
    }
    Map<String, Object> kept = new LinkedHashMap<>();
    context.asMap().forEach((k, v) -> {
      if (SAFE_CONTEXT_KEYS.contains(k)) {
        kept.put(k, v);
      }
    });
    return RequestContext.of(kept);
  }

  /** Python's {@code str(datetime.utcnow())}: microseconds only when non-zero. */
  static String timestamp(LocalDateTime utc) {
    // by hand: DateTimeFormatter and String.format cost more than the rest of a notification
    StringBuilder sb = new StringBuilder(26);
    pad(sb, utc.getYear(), 4).append('-');
    pad(sb, utc.getMonthValue(), 2).append('-');
    pad(sb, utc.getDayOfMonth(), 2).append(' ');
    pad(sb, utc.getHour(), 2).append(':');
    pad(sb, utc.getMinute(), 2).append(':');
    pad(sb, utc.getSecond(), 2);
    int micros = utc.getNano() / 1000;
    if (micros != 0) {
      pad(sb.append('.'), micros, 6);
    }
    return sb.toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits);
  }

  static String now() {
    return timestamp(LocalDateTime.now(ZoneOffset.UTC));
  }

  /** The message document for one topic copy: a fresh {@code _unique_id} each time. */
  static ObjectNode message(Notification n) {
    ObjectNode m = WireJson.object();
    m.put("message_id", n.messageId());
    if (n.publisherId() == null) {
      m.putNull("publisher_id");
    } else {
      m.put("publisher_id", n.publisherId());
    }
    m.put("event_type", n.eventType());
    m.put("priority", n.priority().wireName());
    m.set("payload", n.payload());
    m.put("timestamp", n.timestamp());
    m.put("_unique_id", Ids.hex());
    Contexts.flatten(n.context(), m);
    return m;
  }
}
