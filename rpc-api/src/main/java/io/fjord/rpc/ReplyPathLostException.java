package io.fjord.rpc;

/**
 * The connection carrying a call's reply queue was lost while the call waited, so its reply can
 * no longer be trusted to arrive. Raised at once instead of letting the call wait for its
 * timeout. The request may or may not have been processed.
 */
public class ReplyPathLostException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ReplyPathLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
