package io.fjord.rpc;

/** A received message is larger than the receiver's configured maximum; it was not processed. */
public class MessageTooLargeException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long maximum;

  public MessageTooLargeException(String message, long size, long maximum) {
    super(message);
    this.size = size;
    this.maximum = maximum;
  }

  public long size() {
    return size;
  }

  public long maximum() {
    return maximum;
  }
}
