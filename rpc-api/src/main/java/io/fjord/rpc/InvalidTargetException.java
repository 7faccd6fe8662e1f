package io.fjord.rpc;

/** A {@link Target} lacks what the operation needs (a topic for a call, a server for an RPC server, ...). */
public class InvalidTargetException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final transient Target target;

  public InvalidTargetException(String message, Target target) {
    super(message);
    this.target = target;
  }

  /** The offending target. */
  public Target target() {
    return target;
  }
}
