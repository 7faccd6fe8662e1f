package io.fjord.rpc.wire;

import io.fjord.rpc.MessagingException;

/**
 * A body that is not a message in oslo's wire format: not JSON, not an object, an unsupported envelope
 * version, or an {@code oslo.message} that does not hold a JSON object. The message says which.
 */
public class WireFormatException extends MessagingException {
  private static final long serialVersionUID = 1L;

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
