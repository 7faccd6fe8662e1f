package io.fjord.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.RequestContext;

/**
 * A notification as a listener received it. Immutable.
 *
 * @param context the de-prefixed {@code _context_*} keys (plus {@code client_timeout}, as oslo adds)
 * @param payload the payload as JSON; convert it with {@link NotificationListener}'s serializer, or
 *     declare the endpoint parameter with the wanted type
 * @param metadata {@code message_id} and {@code timestamp}
 */
public record ReceivedNotification(RequestContext context, String publisherId, String eventType, Priority priority,
                                   JsonNode payload, Metadata metadata) {

  /** oslo's {@code metadata} dict. */
  public record Metadata(String messageId, String timestamp) {
  }
}
