package io.fjord.rpc;

/**
 * The broker did not take a message: it was negatively confirmed, returned as unroutable, or the
 * confirm did not arrive in time. Whether a consumer saw it is unknown only in the last case.
 */
public class DeliveryFailureException extends MessagingException {
  private static final long serialVersionUID = 1L;

  public DeliveryFailureException(String message) {
    super(message);
  }

  public DeliveryFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
