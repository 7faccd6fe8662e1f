package io.fjord.rpc;

/**
 * A call was refused before it was sent because the client already had its limit of calls in flight to the
 * same target (overload protection, {@code RpcClient.Builder.maxInFlight}). Nothing was sent: the call can be
 * retried later, or shed. Thrown by {@code call}, and the failure of {@code callAsync}'s future, at once; a
 * client never waits for a free slot.
 */
public class TooManyCallsInFlightException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final transient Target target;
  private final String method;
  private final int limit;

  public TooManyCallsInFlightException(String message, Target target, String method, int limit) {
    super(message);
    this.target = target;
    this.method = method;
    this.limit = limit;
  }

  /** The target the call would have been sent to (for a scatter-gather call, the topic's fanout). */
  public Target target() {
    return target;
  }

  /** The remote method name. */
  public String method() {
    return method;
  }

  /** The client's limit of calls in flight per target. */
  public int limit() {
    return limit;
  }
}
