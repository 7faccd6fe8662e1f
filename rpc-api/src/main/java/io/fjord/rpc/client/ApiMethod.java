package io.fjord.rpc.client;

import com.fasterxml.jackson.databind.JavaType;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Version;
import io.fjord.rpc.annotation.CallAll;
import io.fjord.rpc.annotation.Cast;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.annotation.Server;
import io.fjord.rpc.annotation.Since;
import io.fjord.rpc.serializer.PayloadSerializer;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/** One method of a proxied {@link io.fjord.rpc.annotation.RpcApi} interface, validated once. Immutable. */
final class ApiMethod {
  private enum Kind { CALL, CALL_ASYNC, CAST, CAST_ASYNC, CALL_ALL, CALL_ALL_ASYNC }

  private final Kind kind;
  private final String wireName;
  private final Invoker client;
  private final JavaType resultType;
  private final int contextIndex;
  private final int serverIndex;
  private final String[] names;
  private final int firstArg;
  /** Where the {@link Expected} parameter of a {@link CallAll} method is; -1: none. */
  private final int expectedIndex;
  /** A {@link CallAll} method's expectation without an {@link Expected} parameter. */
  private final Expected expected;

  private ApiMethod(Kind kind, String wireName, Invoker client, JavaType resultType, int contextIndex,
                    int serverIndex, String[] names, int firstArg, int expectedIndex, Expected expected) {
    this.expectedIndex = expectedIndex;
    this.expected = expected;
    this.kind = kind;
    this.wireName = wireName;
    this.client = client;
    this.resultType = resultType;
    this.contextIndex = contextIndex;
    this.serverIndex = serverIndex;
    this.names = names;
    this.firstArg = firstArg;
  }

  static ApiMethod of(Class<?> api, Method m, Invoker base, String apiVersion, PayloadSerializer serializer) {
    String where = api.getSimpleName() + "." + m.getName() + "()";
    if (m.getTypeParameters().length > 0) {
      throw error(where, "has type variables; RPC arguments and results need concrete types");
    }
    RpcMethod rpcMethod = m.getAnnotation(RpcMethod.class);
    String wireName = rpcMethod == null || rpcMethod.value().isEmpty() ? m.getName() : rpcMethod.value();

    String version = apiVersion;
    Since since = m.getAnnotation(Since.class);
    if (since != null) {
      try {
        Version.parse(since.value());
      } catch (IllegalArgumentException e) {
        throw error(where, "@Since(\"" + since.value() + "\") is not a version: " + e.getMessage());
      }
      version = since.value();
    }
    Invoker client = version == null ? base : base.prepare(CallOptions.builder().version(version).build());

    Class<?> raw = m.getReturnType();
    Type generic = m.getGenericReturnType();
    boolean future = raw == CompletableFuture.class;
    if (!future && (raw == CompletionStage.class || Future.class.isAssignableFrom(raw))) {
      throw error(where, "returns " + raw.getName() + "; an asynchronous method returns CompletableFuture<T>");
    }
    Type resultGeneric = generic;
    if (future) {
      resultGeneric = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
    }
    Kind kind;
    CallAll callAll = m.getAnnotation(CallAll.class);
    if (callAll != null) {
      if (m.isAnnotationPresent(Cast.class)) {
        throw error(where, "is both a @Cast and a @CallAll");
      }
      if (!(resultGeneric instanceof ParameterizedType p && p.getRawType() == GatherResult.class)) {
        throw error(where, "is a @CallAll and must return GatherResult<T> or CompletableFuture<GatherResult<T>>, "
            + "but returns " + generic.getTypeName());
      }
      if (callAll.count() < 0) {
        throw error(where, "has @CallAll(count = " + callAll.count() + "); the count is 0 (until the timeout) or more");
      }
      resultGeneric = ((ParameterizedType) resultGeneric).getActualTypeArguments()[0];
      kind = future ? Kind.CALL_ALL_ASYNC : Kind.CALL_ALL;
    } else if (m.isAnnotationPresent(Cast.class)) {
      if (raw != void.class && !(future && (resultGeneric == Void.class))) {
        throw error(where, "is a @Cast and must return void or CompletableFuture<Void>, but returns "
            + generic.getTypeName());
      }
      kind = future ? Kind.CAST_ASYNC : Kind.CAST;
    } else {
      kind = future ? Kind.CALL_ASYNC : Kind.CALL;
    }
    if (resultGeneric instanceof TypeVariable<?>) {
      throw error(where, "returns a type variable; RPC results need concrete types");
    }
    JavaType resultType = serializer.typeFactory().constructType(resultGeneric == void.class ? Void.class : resultGeneric);

    Parameter[] params = m.getParameters();
    int contextIndex = -1;
    int serverIndex = -1;
    int expectedIndex = -1;
    boolean gather = kind == Kind.CALL_ALL || kind == Kind.CALL_ALL_ASYNC;
    int i = 0;
    for (; i < params.length && i < 2; i++) {
      Parameter p = params[i];
      if (p.getType() == RequestContext.class && contextIndex < 0) {
        contextIndex = i;
      } else if (gather && p.getType() == Expected.class && expectedIndex < 0) {
        expectedIndex = i;
      } else if (p.isAnnotationPresent(Server.class) && gather) {
        throw error(where, "is a @CallAll, which goes to every server: it has no @Server parameter");
      } else if (p.isAnnotationPresent(Server.class) && serverIndex < 0) {
        if (p.getType() != String.class) {
          throw error(where, "its @Server parameter must be a String, not " + p.getParameterizedType().getTypeName());
        }
        serverIndex = i;
      } else {
        break;
      }
    }
    int firstArg = i;
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (; i < params.length; i++) {
      Parameter p = params[i];
      if (p.getType() == RequestContext.class || p.isAnnotationPresent(Server.class)
          || (gather && p.getType() == Expected.class)) {
        throw error(where, "parameter " + i + " (" + (p.getType() == RequestContext.class ? "RequestContext"
            : p.getType() == Expected.class ? "Expected" : "@Server") + ") must come before the arguments");
      }
      Param param = p.getAnnotation(Param.class);
      String name;
      if (param != null) {
        name = param.value();
      } else if (p.isNamePresent()) {
        name = p.getName();
      } else {
        throw error(where, "parameter " + i + " has no name: compile with 'javac -parameters' or annotate it with "
            + "@Param(\"name\")");
      }
      if (!seen.add(name)) {
        throw error(where, "binds argument '" + name + "' twice");
      }
      names.add(name);
    }
    Expected fixed = callAll == null ? null
        : callAll.count() > 0 ? Expected.count(callAll.count()) : Expected.untilDeadline();
    return new ApiMethod(kind, wireName, client, resultType, contextIndex, serverIndex, names.toArray(new String[0]),
        firstArg, expectedIndex, fixed);
  }

  private static <T> T awaitGather(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.fjord.rpc.MessagingException("Interrupted while waiting", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new io.fjord.rpc.MessagingException(String.valueOf(cause), cause);
    }
  }

  private static IllegalArgumentException error(String where, String what) {
    return new IllegalArgumentException("RPC interface method " + where + " " + what);
  }

  Object invoke(Object[] args) {
    RequestContext context = contextIndex < 0 ? RequestContext.empty() : (RequestContext) args[contextIndex];
    if (context == null) {
      context = RequestContext.empty();
    }
    Invoker c = client;
    if (serverIndex >= 0 && args[serverIndex] != null) {
      c = c.prepare((String) args[serverIndex], false);
    }
    Map<String, Object> kwargs = new LinkedHashMap<>(names.length * 2);
    for (int i = 0; i < names.length; i++) {
      kwargs.put(names[i], args[firstArg + i]);
    }
    switch (kind) {
      case CALL:
        return c.call(context, wireName, kwargs, resultType);
      case CALL_ASYNC:
        return c.callAsync(context, wireName, kwargs, resultType);
      case CAST:
        c.cast(context, wireName, kwargs);
        return null;
      case CALL_ALL:
      case CALL_ALL_ASYNC: {
        Expected e = expectedIndex >= 0 && args[expectedIndex] != null ? (Expected) args[expectedIndex] : expected;
        CompletableFuture<GatherResult<Object>> all = c.callAllAsync(context, wireName, kwargs, resultType, e);
        return kind == Kind.CALL_ALL_ASYNC ? all : awaitGather(all);
      }
      default:
        return c.castAsync(context, wireName, kwargs);
    }
  }
}
