package io.fjord.rpc;

/**
 * The broker refused the credentials, or the user may not use the virtual host. Retrying with the
 * same settings does not help, so it is raised at once instead of reconnecting.
 */
public class BrokerAccessDeniedException extends TransportException {
  private static final long serialVersionUID = 1L;

  public BrokerAccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
