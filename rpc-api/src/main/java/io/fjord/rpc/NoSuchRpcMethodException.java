package io.fjord.rpc;

import java.util.List;
import java.util.Map;

/**
 * The server has an endpoint for the requested namespace and version but no callable method of
 * that name. On the wire: {@code oslo_messaging.rpc.dispatcher.NoSuchMethod}, message
 * {@code "Endpoint does not support RPC method <m>"}.
 */
public class NoSuchRpcMethodException extends RemoteException {
  private static final long serialVersionUID = 1L;

  /** The wire module of oslo's dispatcher errors. */
  public static final String MODULE = "oslo_messaging.rpc.dispatcher";
  /** The wire class name. */
  public static final String CLASS = "NoSuchMethod";

  /** Raised by a dispatcher for {@code method}. */
  public NoSuchRpcMethodException(String method) {
    this(null, "Endpoint does not support RPC method " + method, List.of(), null);
  }

  /** Rebuilt by a client from a failure document. */
  public NoSuchRpcMethodException(String context, String remoteMessage, List<String> traceback, Map<String, Object> kwargs) {
    super(context, MODULE, CLASS, remoteMessage, traceback, List.of(remoteMessage), kwargs);
  }
}
