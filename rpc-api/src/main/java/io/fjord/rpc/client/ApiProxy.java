package io.fjord.rpc.client;

import io.fjord.rpc.annotation.RpcApi;
import io.fjord.rpc.serializer.PayloadSerializer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link InvocationHandler} behind {@link RpcClient#proxy(Class)}: one {@link ApiMethod} per
 * abstract method, built and validated when the proxy is created. Immutable and thread-safe. Not an API.
 */
final class ApiProxy implements InvocationHandler {
  private final Class<?> api;
  private final Invoker client;
  private final Map<Method, ApiMethod> methods;

  private ApiProxy(Class<?> api, Invoker client, Map<Method, ApiMethod> methods) {
    this.api = api;
    this.client = client;
    this.methods = methods;
  }

  /**
   * A proxy implementing {@code api} over {@code client}, re-targeted by the interface's {@link RpcApi}.
   *
   * @throws IllegalArgumentException naming the method and what is wrong with it
   */
  static <T> T create(Invoker client, Class<T> api, PayloadSerializer serializer) {
    if (!api.isInterface()) {
      throw new IllegalArgumentException(api.getName() + " is not an interface: RpcClient.proxy implements interfaces only");
    }
    if (api.getTypeParameters().length > 0) {
      throw new IllegalArgumentException(api.getName() + " has type parameters: a proxy needs an interface with "
          + "concrete types (extend it with the types bound)");
    }
    RpcApi ann = api.getAnnotation(RpcApi.class);
    String version = ann == null ? null : ann.version();
    Invoker base = client;
    if (ann != null) {
      CallOptions.Builder o = CallOptions.builder();
      if (!ann.topic().isEmpty()) {
        o.topic(ann.topic());
      }
      if (!ann.namespace().isEmpty()) {
        o.namespace(ann.namespace());
      }
      base = client.prepare(o.build());
    }
    Map<Method, ApiMethod> methods = new HashMap<>();
    for (Method m : api.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
        continue;
      }
      methods.put(m, ApiMethod.of(api, m, base, version, serializer));
    }
    Object proxy = Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
        new ApiProxy(api, base, Map.copyOf(methods)));
    return api.cast(proxy);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    ApiMethod m = methods.get(method);
    if (m != null) {
      return m.invoke(args);
    }
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return api.getSimpleName() + " proxy over " + client;
        default:
          return method.invoke(this, args);
      }
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    throw new IllegalStateException("No RPC method for " + method);
  }
}
