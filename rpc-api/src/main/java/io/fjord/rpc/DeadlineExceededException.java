package io.fjord.rpc;

import java.time.Duration;

/**
 * A deadline inherited from the caller ran out (deadline propagation, {@link DeadlineContext}): a call made while
 * serving a request got no reply before that request's deadline, or a server received a request whose deadline
 * had passed before it could run it, and answered with this instead of running it. A
 * {@link MessagingTimeoutException}, so code that handles timeouts handles it too.
 *
 * <p>On the wire a server's refusal is the failure {@code io.fjord.rpc.DeadlineExceeded} (module
 * {@code io.fjord.rpc}, class {@code DeadlineExceeded}): an oslo caller sees a {@code RemoteError} of that class,
 * a Fjord caller this exception.
 */
public class DeadlineExceededException extends MessagingTimeoutException implements RemoteIdentity {
  private static final long serialVersionUID = 1L;

  /** The wire module. */
  public static final String MODULE = "io.fjord.rpc";
  /** The wire class. */
  public static final String CLASS = "DeadlineExceeded";

  public DeadlineExceededException(String message, Target target, String method, Duration timeout, String messageId) {
    super(message, target, method, timeout, messageId);
  }

  @Override
  public String remoteModule() {
    return MODULE;
  }

  @Override
  public String remoteClass() {
    return CLASS;
  }
}
