package io.fjord.rpc;

import java.time.Duration;

/**
 * A call got no (final) reply within its timeout, or no call-monitor heartbeat within the
 * call-monitor timeout. The server may still run the method: RPC calls are at-most-once, never
 * exactly-once.
 */
public class MessagingTimeoutException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final transient Target target;
  private final String method;
  private final Duration timeout;
  private final String messageId;

  public MessagingTimeoutException(String message, Target target, String method, Duration timeout, String messageId) {
    super(message);
    this.target = target;
    this.method = method;
    this.timeout = timeout;
    this.messageId = messageId;
  }

  /** The target the call was sent to. */
  public Target target() {
    return target;
  }

  /** The remote method name. */
  public String method() {
    return method;
  }

  /** The timeout that ran out (the call timeout or the call-monitor timeout). */
  public Duration timeout() {
    return timeout;
  }

  /** The request's {@code _msg_id}, as oslo logs it. */
  public String messageId() {
    return messageId;
  }
}
