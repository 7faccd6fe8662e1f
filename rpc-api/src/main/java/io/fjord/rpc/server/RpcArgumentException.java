package io.fjord.rpc.server;

import io.fjord.rpc.MessagingException;
import io.fjord.rpc.RemoteIdentity;

/**
 * A request's arguments do not fit the endpoint method: unknown or missing keyword, a value that
 * does not convert to the parameter type, args that are not an object, no method name. Travels as
 * Python's {@code builtins.TypeError}, which is what an oslo server answers in these cases, so
 * Python callers get their natural error.
 */
public final class RpcArgumentException extends MessagingException implements RemoteIdentity {
  private static final long serialVersionUID = 1L;

  public RpcArgumentException(String message) {
    super(message);
  }

  public RpcArgumentException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String remoteModule() {
    return "builtins";
  }

  @Override
  public String remoteClass() {
    return "TypeError";
  }
}
