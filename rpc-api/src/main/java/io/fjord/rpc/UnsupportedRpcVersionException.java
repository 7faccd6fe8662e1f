package io.fjord.rpc;

import java.util.List;
import java.util.Map;

/**
 * No endpoint of the server matches the requested namespace and version (same major, minor not
 * above the endpoint's). oslo raises this, not NoSuchMethod, for a namespace mismatch too. On the
 * wire: {@code oslo_messaging.rpc.dispatcher.UnsupportedVersion}, message
 * {@code "Endpoint does not support RPC version <v>. Attempted method: <m>"}.
 */
public class UnsupportedRpcVersionException extends RemoteException {
  private static final long serialVersionUID = 1L;

  /** The wire class name. */
  public static final String CLASS = "UnsupportedVersion";

  /** Raised by a dispatcher. */
  public UnsupportedRpcVersionException(String version, String method) {
    this(null, "Endpoint does not support RPC version " + version + ". Attempted method: " + method, List.of(), null);
  }

  /** Rebuilt by a client from a failure document. */
  public UnsupportedRpcVersionException(String context, String remoteMessage, List<String> traceback, Map<String, Object> kwargs) {
    super(context, NoSuchRpcMethodException.MODULE, CLASS, remoteMessage, traceback, List.of(remoteMessage), kwargs);
  }
}
