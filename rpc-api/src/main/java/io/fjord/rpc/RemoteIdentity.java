package io.fjord.rpc;

import java.util.Map;

/**
 * Lets an exception thrown by an endpoint choose the identity it has on the wire, so a Python
 * caller sees the class it expects (for example {@code nova.exception.InstanceNotFound} with its
 * constructor's kwargs) instead of the Java class name.
 *
 * <p>Without this interface an exception travels as its simple class name and its package as the
 * module. {@link RemoteException} implements it, so a server that rethrows a remote error it got
 * passes the original identity on, as oslo does.
 */
public interface RemoteIdentity {
  /** The wire {@code module} (Python module name, or Java package). */
  String remoteModule();

  /** The wire {@code class} (Python class name, or Java simple class name). */
  String remoteClass();

  /** The wire {@code kwargs}: keyword arguments for the remote class's constructor. Empty by default. */
  default Map<String, Object> remoteKwargs() {
    return Map.of();
  }
}
