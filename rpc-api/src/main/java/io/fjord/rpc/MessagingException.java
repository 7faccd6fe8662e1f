package io.fjord.rpc;

/**
 * Root of every exception Fjord throws: one unchecked hierarchy, so callers catch one type or the
 * specific subclass they can act on.
 *
 * <p>Messages name what failed (target, method), what was expected and, where one exists, a hint.
 * They never contain a password.
 */
public class MessagingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MessagingException(String message) {
    super(message);
  }

  public MessagingException(String message, Throwable cause) {
    super(message, cause);
  }
}
