package io.fjord.rpc;

import java.util.List;
import java.util.Map;

/**
 * The remote endpoint raised an exception; its identity and details travelled back in oslo's
 * {@code failure} document. Fjord never instantiates a class named by the wire: unless the client
 * allowed a Java type for this identity ({@code RpcClient.Builder.allowRemoteException}), the caller
 * gets this exception carrying the remote class, module, message, traceback, args and kwargs.
 *
 * <p>Two well-known dispatcher failures arrive as the subclasses {@link NoSuchRpcMethodException}
 * and {@link UnsupportedRpcVersionException}, whichever side (Fjord or oslo) raised them.
 */
public class RemoteException extends MessagingException implements RemoteIdentity {
  private static final long serialVersionUID = 1L;

  private final String remoteModule;
  private final String remoteClass;
  private final String remoteMessage;
  private final List<String> remoteTraceback;
  private final transient List<Object> remoteArgs;
  private final transient Map<String, Object> remoteKwargs;

  public RemoteException(String remoteModule, String remoteClass, String remoteMessage,
                         List<String> remoteTraceback, List<Object> remoteArgs, Map<String, Object> remoteKwargs) {
    this(null, remoteModule, remoteClass, remoteMessage, remoteTraceback, remoteArgs, remoteKwargs);
  }

  /**
   * @param context what the caller was doing (for example {@code call 'echo' to Target{topic=compute}}),
   *     prefixed to the message; may be null
   */
  public RemoteException(String context, String remoteModule, String remoteClass, String remoteMessage,
                         List<String> remoteTraceback, List<Object> remoteArgs, Map<String, Object> remoteKwargs) {
    super(describe(context, remoteModule, remoteClass, remoteMessage));
    this.remoteModule = remoteModule == null ? "" : remoteModule;
    this.remoteClass = remoteClass == null ? "" : remoteClass;
    this.remoteMessage = remoteMessage == null ? "" : remoteMessage;
    this.remoteTraceback = remoteTraceback == null ? List.of() : List.copyOf(remoteTraceback);
    this.remoteArgs = remoteArgs == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(remoteArgs));
    this.remoteKwargs = remoteKwargs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(remoteKwargs));
  }

  private static String describe(String context, String module, String cls, String message) {
    String who = (module == null || module.isEmpty()) ? cls : module + "." + cls;
    String text = "Remote error: " + who + ": " + message;
    return context == null ? text : text + " (" + context + ")";
  }

  @Override
  public String remoteModule() {
    return remoteModule;
  }

  @Override
  public String remoteClass() {
    return remoteClass;
  }

  /** The remote exception's own message ({@code str(exc)} on a Python server). */
  public String remoteMessage() {
    return remoteMessage;
  }

  /** The remote traceback, one entry per frame, as the server formatted it. */
  public List<String> remoteTraceback() {
    return remoteTraceback;
  }

  /** The remote exception's positional args ({@code exc.args}). */
  public List<Object> remoteArgs() {
    return remoteArgs;
  }

  @Override
  public Map<String, Object> remoteKwargs() {
    return remoteKwargs;
  }
}
