package io.fjord.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.WireIds;
import io.fjord.rpc.wire.WireNotification;
import java.util.Objects;

/**
 * One notification as a notifier sends it: oslo's fields (docs/wire-format.md §5) with the payload already
 * converted to JSON and the context already sanitized. Immutable and thread-safe.
 *
 * @param messageId dashed UUID, the same for every topic it is sent to
 * @param timestamp naive UTC {@code YYYY-MM-DD HH:MM:SS[.ffffff]}, as Python's {@code str(utcnow())}
 */
public record Notification(String messageId, String publisherId, String eventType, Priority priority,
                           JsonNode payload, String timestamp, RequestContext context) {
  public Notification {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(timestamp, "timestamp");
    context = context == null ? RequestContext.empty() : context;
  }

  /**
   * This notification as oslo's wire carries it, with a fresh {@code _unique_id}: what a notification driver
   * encodes with {@link OsloWire#encode(WireNotification, boolean)}, one copy per topic.
   */
  public WireNotification toWire() {
    return new WireNotification(messageId, publisherId, eventType, priority.wireName(), payload, timestamp,
        WireIds.hex(), context);
  }
}
