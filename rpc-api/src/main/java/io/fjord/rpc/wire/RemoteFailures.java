package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RemoteIdentity;
import io.fjord.rpc.UnsupportedRpcVersionException;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * oslo's remote-exception document (docs/wire-format.md §4.4): {@code {"class", "module", "message", "tb",
 * "args", "kwargs"}}, carried as a JSON string in a reply's {@code failure}.
 */
public final class RemoteFailures {
  private RemoteFailures() {
  }

  private static final int MAX_FRAMES = 64;

  /** Encodes {@code error} as the failure string a reply carries. */
  public static String encode(Throwable error) {
    String module;
    String cls;
    String message;
    List<Object> args;
    Map<String, Object> kwargs;
    if (error instanceof RemoteException r) {
      module = r.remoteModule();
      cls = r.remoteClass();
      message = r.remoteMessage();
      args = r.remoteArgs().isEmpty() ? List.of(message) : r.remoteArgs();
      kwargs = r.remoteKwargs();
    } else {
      if (error instanceof RemoteIdentity id) {
        module = id.remoteModule();
        cls = id.remoteClass();
        kwargs = id.remoteKwargs();
      } else {
        module = error.getClass().getPackageName();
        cls = error.getClass().getSimpleName().isEmpty() ? error.getClass().getName() : error.getClass().getSimpleName();
        kwargs = Map.of();
      }
      message = error.getMessage() == null ? "" : error.getMessage();
      args = List.of(message);
    }
    ObjectNode doc = WireJson.object();
    doc.put("class", cls);
    doc.put("module", module);
    doc.put("message", message);
    ArrayNode tb = doc.putArray("tb");
    traceback(error).forEach(tb::add);
    doc.set("args", toJson(args));
    doc.set("kwargs", toJson(kwargs));
    return WireJson.write(doc);
  }

  private static JsonNode toJson(Object value) {
    try {
      return WireJson.MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      return WireJson.MAPPER.getNodeFactory().textNode(String.valueOf(value));
    }
  }

  /** A Java stack trace as oslo's {@code tb}: one string per line, each ending with a newline. */
  static List<String> traceback(Throwable error) {
    List<String> lines = new ArrayList<>();
    Throwable t = error;
    String prefix = "";
    int depth = 0;
    while (t != null && depth++ < 8) {
      lines.add(prefix + t + "\n");
      StackTraceElement[] frames = t.getStackTrace();
      int n = Math.min(frames.length, MAX_FRAMES);
      for (int i = 0; i < n; i++) {
        lines.add("\tat " + frames[i] + "\n");
      }
      if (frames.length > n) {
        lines.add("\t... " + (frames.length - n) + " more\n");
      }
      prefix = "Caused by: ";
      t = t.getCause() == t ? null : t.getCause();
    }
    return lines;
  }

  /**
   * Decodes a failure string into the exception the caller gets: an allowed Java type when
   * {@code allowed} maps {@code module.class} to one, the dispatcher's well-known errors as their
   * subclasses, else {@link RemoteException}. Never loads a class named by the wire.
   *
   * @param context what the caller did, for the message (e.g. {@code call 'x' to Target{...}})
   */
  public static RuntimeException decode(String failure, String context,
                                        Map<String, Class<? extends RuntimeException>> allowed) {
    ObjectNode doc;
    try {
      JsonNode node = WireJson.read(failure);
      if (!(node instanceof ObjectNode o)) {
        throw new IllegalArgumentException("not an object");
      }
      doc = o;
    } catch (IllegalArgumentException e) {
      return new RemoteException(context, "", "UnknownError", failure, List.of(), List.of(), Map.of());
    }
    String cls = doc.path("class").asText("");
    String module = doc.path("module").asText("");
    String message = doc.path("message").asText("");
    List<String> tb = new ArrayList<>();
    doc.path("tb").forEach(n -> tb.add(n.asText()));
    List<Object> args = new ArrayList<>();
    doc.path("args").forEach(n -> args.add(WireJson.MAPPER.convertValue(n, Object.class)));
    Map<String, Object> kwargs = new LinkedHashMap<>();
    doc.path("kwargs").fields().forEachRemaining(e -> kwargs.put(e.getKey(), WireJson.MAPPER.convertValue(e.getValue(), Object.class)));

    RemoteException remote;
    if (NoSuchRpcMethodException.MODULE.equals(module) && NoSuchRpcMethodException.CLASS.equals(cls)) {
      remote = new NoSuchRpcMethodException(context, message, tb, kwargs);
    } else if (NoSuchRpcMethodException.MODULE.equals(module) && UnsupportedRpcVersionException.CLASS.equals(cls)) {
      remote = new UnsupportedRpcVersionException(context, message, tb, kwargs);
    } else {
      remote = new RemoteException(context, module, cls, message, tb, args, kwargs);
    }
    Class<? extends RuntimeException> type = allowed.get(module.isEmpty() ? cls : module + "." + cls);
    if (type != null) {
      RuntimeException local = instantiate(type, message);
      if (local != null) {
        local.addSuppressed(remote);
        return local;
      }
    }
    return remote;
  }

  private static RuntimeException instantiate(Class<? extends RuntimeException> type, String message) {
    try {
      Constructor<? extends RuntimeException> c = type.getConstructor(String.class);
      return c.newInstance(message);
    } catch (ReflectiveOperationException | RuntimeException e) {
      try {
        return type.getConstructor().newInstance();
      } catch (ReflectiveOperationException | RuntimeException e2) {
        return null;
      }
    }
  }
}
