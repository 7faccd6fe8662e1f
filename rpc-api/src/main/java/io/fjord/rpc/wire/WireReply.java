package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message on a reply queue (docs/wire-format.md §4): the final reply of a call (a result or a
 * failure, {@code ending} true) or a call-monitor heartbeat (neither, {@code ending} false). Encoded and
 * decoded by {@link OsloWire}.
 *
 * @param result the method's return value; null for none (JSON null, a failure or a heartbeat)
 * @param failure the remote exception document as a JSON string ({@link RemoteFailures}), or null
 * @param ending whether this is the last message for the call
 * @param msgId the id of the call it answers
 * @param uniqueId this message's own id
 * @param server the name of the Fjord server that sent it, in a reply to a scatter-gather call
 *     ({@code fjord_server}, which oslo clients ignore); null otherwise
 */
public record WireReply(JsonNode result, String failure, boolean ending, String msgId, String uniqueId,
                        String server) {

  /** A reply naming no server (every reply but one to a scatter-gather call). */
  public WireReply(JsonNode result, String failure, boolean ending, String msgId, String uniqueId) {
    this(result, failure, ending, msgId, uniqueId, null);
  }

  /** This reply naming {@code server} as its sender. */
  public WireReply from(String server) {
    return new WireReply(result, failure, ending, msgId, uniqueId, server);
  }

  /** A final reply carrying {@code result} (null: JSON null). */
  public static WireReply result(String msgId, JsonNode result) {
    return new WireReply(result, null, true, msgId, WireIds.hex());
  }

  /** A final reply carrying a failure document ({@link RemoteFailures#encode}). */
  public static WireReply failure(String msgId, String failure) {
    return new WireReply(null, failure, true, msgId, WireIds.hex());
  }

  /** A heartbeat: the call is still running. */
  public static WireReply heartbeat(String msgId) {
    return new WireReply(null, null, false, msgId, WireIds.hex());
  }

  /** True for a failure reply. */
  public boolean isFailure() {
    return failure != null;
  }
}
