package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fjord.rpc.RequestContext;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A notification as oslo's notifier puts it on the wire (docs/wire-format.md §5), encoded and decoded by
 * {@link OsloWire}.
 *
 * @param messageId the notification's id (a dashed UUID from oslo and Fjord)
 * @param publisherId who sent it, e.g. {@code compute.host-1}; may be null
 * @param eventType e.g. {@code compute.instance.create.end}
 * @param priority oslo's priority name as sent, upper case (e.g. {@code INFO}); null when absent or not a string
 * @param payload the payload, JSON null when absent
 * @param timestamp UTC, as Python's {@code str(datetime.utcnow())} writes it ({@link #timestamp(LocalDateTime)})
 * @param uniqueId the id duplicates are detected by, one per copy sent; null when absent or not a string
 * @param context the request context (the {@code _context_*} fields), never null
 */
public record WireNotification(String messageId, String publisherId, String eventType, String priority,
                               JsonNode payload, String timestamp, String uniqueId, RequestContext context) {

  public WireNotification {
    payload = payload == null ? NullNode.getInstance() : payload;
    context = context == null ? RequestContext.empty() : context;
  }

  /** The context keys a notification may carry (oslo's {@code _sanitize_context}); no token among them. */
  public static final Set<String> SAFE_CONTEXT_KEYS = Set.of("user_id", "project_id", "domain_id", "user_domain_id",
      "project_domain_id", "is_admin", "request_id", "roles", "user_name", "project_name", "domain_name",
      "user_domain_name", "project_domain_name", "service_user_id", "service_user_domain_id",
      "service_user_domain_name", "service_project_id", "service_project_name", "service_project_domain_id",
      "service_project_domain_name", "service_roles", "global_request_id", "system_scope", "user", "domain",
      "user_domain", "project_domain");

  /** {@code context} with only the {@link #SAFE_CONTEXT_KEYS}, as oslo's notifier sends it. */
  public static RequestContext sanitize(RequestContext context) {
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

  /** A copy with a fresh unique id: each topic gets its own copy, as oslo sends them. */
  public WireNotification withFreshUniqueId() {
    return new WireNotification(messageId, publisherId, eventType, priority, payload, timestamp, WireIds.hex(),
        context);
  }

  /** Python's {@code str(datetime.utcnow())}: {@code YYYY-MM-DD HH:MM:SS[.ffffff]}, microseconds only when non-zero. */
  public static String timestamp(LocalDateTime utc) {
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

  /** {@link #timestamp(LocalDateTime)} of now. */
  public static String now() {
    return timestamp(LocalDateTime.now(ZoneOffset.UTC));
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits);
  }
}
