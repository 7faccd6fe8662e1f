package io.fjord.rpc;

/**
 * The transport could not do its job: the broker is unreachable, the connection or channel was
 * closed, authentication failed, or an operation was attempted on a closed {@link Transport}.
 */
public class TransportException extends MessagingException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message) {
    super(message);
  }

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
