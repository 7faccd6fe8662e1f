package io.fjord.rpc.server;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.annotation.Cast;
import io.fjord.rpc.annotation.ExpectedExceptions;
import io.fjord.rpc.annotation.NonBlocking;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.annotation.Server;
import io.fjord.rpc.annotation.Since;
import io.fjord.rpc.serializer.PayloadSerializer;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One exposed endpoint method with its argument binding, built once per server. Immutable. */
final class EndpointMethod {

  private record Binding(String name, JavaType type, boolean required, boolean optionalWrapper, Class<?> raw,
                         boolean server) {
  }

  private final Method method;
  private final String wireName;
  private final String display;
  private final boolean takesContext;
  private final List<Binding> bindings;
  private final Set<String> names;
  private final List<Class<? extends Throwable>> expected;
  private final boolean nonBlocking;

  private EndpointMethod(Method method, String wireName, boolean takesContext, List<Binding> bindings,
                         List<Class<? extends Throwable>> expected) {
    this.nonBlocking = findAnnotation(method, NonBlocking.class) != null
        || method.getDeclaringClass().isAnnotationPresent(NonBlocking.class);
    this.method = method;
    this.wireName = wireName;
    this.display = method.getDeclaringClass().getSimpleName() + "." + method.getName() + "()";
    this.takesContext = takesContext;
    this.bindings = bindings;
    Set<String> n = new LinkedHashSet<>();
    bindings.forEach(b -> {
      if (!b.server) {
        n.add(b.name);
      }
    });
    this.names = n;
    this.expected = expected;
  }

  /** The wire name of {@code m}: its {@link RpcMethod} value, else the Java name. */
  static String wireName(Method m) {
    RpcMethod a = findAnnotation(m, RpcMethod.class);
    return a == null || a.value().isEmpty() ? m.getName() : a.value();
  }

  static EndpointMethod of(Method m, String wireName, PayloadSerializer serializer) {
    Parameter[] params = m.getParameters();
    boolean takesContext = params.length > 0 && params[0].getType() == RequestContext.class;
    List<Binding> bindings = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = takesContext ? 1 : 0; i < params.length; i++) {
      Parameter p = params[i];
      if (p.getType() == RequestContext.class) {
        throw new IllegalArgumentException("Endpoint method " + m + ": a RequestContext parameter must come first");
      }
      if (isServerParameter(m, i)) {
        // the client's routing parameter of a shared @RpcApi interface: not an argument on the wire
        bindings.add(new Binding("", null, false, false, p.getType(), true));
        continue;
      }
      Param ann = findParamAnnotation(m, i);
      String name;
      if (ann != null) {
        name = ann.value();
      } else if (p.isNamePresent()) {
        name = p.getName();
      } else {
        throw new IllegalArgumentException("Parameter " + i + " of endpoint method " + m + " has no name: compile with "
            + "'javac -parameters' or annotate it with @Param(\"name\")");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("Endpoint method " + m + " binds argument '" + name + "' twice");
      }
      boolean optionalWrapper = p.getType() == Optional.class;
      JavaType type = serializer.typeFactory().constructType(p.getParameterizedType());
      if (optionalWrapper) {
        type = type.containedTypeCount() == 1 ? type.containedType(0) : serializer.typeFactory().constructType(Object.class);
      }
      boolean required = !optionalWrapper && (ann == null || ann.required());
      bindings.add(new Binding(name, type, required, optionalWrapper, p.getType(), false));
    }
    ExpectedExceptions exp = findAnnotation(m, ExpectedExceptions.class);
    List<Class<? extends Throwable>> expected = exp == null ? List.of() : List.of(exp.value());
    m.trySetAccessible();
    return new EndpointMethod(m, wireName, takesContext, List.copyOf(bindings), expected);
  }

  /**
   * The {@link Param} of parameter {@code index} of {@code m}, or of the same parameter of a method it
   * implements (a shared {@link io.fjord.rpc.annotation.RpcApi} interface names the arguments once).
   */
  static Param findParamAnnotation(Method m, int index) {
    Param a = m.getParameters()[index].getAnnotation(Param.class);
    if (a != null) {
      return a;
    }
    for (Method o : overridden(m)) {
      a = o.getParameters()[index].getAnnotation(Param.class);
      if (a != null) {
        return a;
      }
    }
    return null;
  }

  private static boolean isServerParameter(Method m, int index) {
    if (m.getParameters()[index].isAnnotationPresent(Server.class)) {
      return true;
    }
    for (Method o : overridden(m)) {
      if (o.getParameters()[index].isAnnotationPresent(Server.class)) {
        return true;
      }
    }
    return false;
  }

  /** Methods of superclasses and interfaces that {@code m} overrides or implements, nearest first. */
  private static List<Method> overridden(Method m) {
    List<Method> found = new ArrayList<>();
    java.util.Deque<Class<?>> todo = new java.util.ArrayDeque<>();
    Set<Class<?>> seen = new java.util.HashSet<>();
    todo.add(m.getDeclaringClass());
    while (!todo.isEmpty()) {
      Class<?> c = todo.poll();
      if (!seen.add(c)) {
        continue;
      }
      if (c != m.getDeclaringClass()) {
        try {
          found.add(c.getDeclaredMethod(m.getName(), m.getParameterTypes()));
        } catch (NoSuchMethodException ignored) {
          // not declared there
        }
      }
      if (c.getSuperclass() != null && c.getSuperclass() != Object.class) {
        todo.add(c.getSuperclass());
      }
      todo.addAll(List.of(c.getInterfaces()));
    }
    return found;
  }

  /** The annotation on {@code m} or on a method it overrides from an interface or superclass. */
  static <A extends Annotation> A findAnnotation(Method m, Class<A> type) {
    A a = m.getAnnotation(type);
    if (a != null) {
      return a;
    }
    for (Class<?> c = m.getDeclaringClass(); c != null; c = c.getSuperclass()) {
      List<Class<?>> candidates = new ArrayList<>(List.of(c.getInterfaces()));
      candidates.add(c.getSuperclass());
      for (Class<?> i : candidates) {
        if (i == null) {
          continue;
        }
        try {
          a = i.getMethod(m.getName(), m.getParameterTypes()).getAnnotation(type);
          if (a != null) {
            return a;
          }
        } catch (NoSuchMethodException ignored) {
          // not declared there
        }
      }
    }
    return null;
  }

  String wireName() {
    return wireName;
  }

  Method method() {
    return method;
  }

  /**
   * This method as {@code fjord.describe} lists it: its keyword arguments (not the context or a
   * {@link Server} parameter) with their JSON types, its result's JSON type, {@code @Since},
   * {@code @ExpectedExceptions} as wire identities, {@code @Cast} and {@link NonBlocking}.
   */
  ServiceDescription.Method describe(TypeFactory types) {
    List<ServiceDescription.Param> params = new ArrayList<>();
    for (Binding b : bindings) {
      if (!b.server) {
        params.add(new ServiceDescription.Param(b.name, Introspection.jsonType(b.type, types), b.required));
      }
    }
    Since since = findAnnotation(method, Since.class);
    List<String> exceptions = new ArrayList<>();
    for (Class<? extends Throwable> c : expected) {
      exceptions.add(c.getPackageName() + "." + c.getSimpleName()); // as RemoteFailures names it on the wire
    }
    return new ServiceDescription.Method(wireName, params,
        Introspection.jsonType(types.constructType(method.getGenericReturnType()), types),
        since == null ? null : since.value(), exceptions, findAnnotation(method, Cast.class) != null, nonBlocking);
  }

  /** Whether the method is declared {@link NonBlocking}: the server runs it on the delivery thread. */
  boolean isNonBlocking() {
    return nonBlocking;
  }

  boolean isExpected(Throwable t) {
    for (Class<? extends Throwable> c : expected) {
      if (c.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Binds {@code args} and invokes the method; a {@link Server} parameter (of a shared
   * {@link io.fjord.rpc.annotation.RpcApi} interface) gets {@code server}, this server's name.
   *
   * @throws RpcArgumentException when the arguments do not fit
   * @throws Throwable whatever the method throws
   */
  Object invoke(Object instance, RequestContext context, JsonNode args, PayloadSerializer serializer, String server)
      throws Throwable {
    if (args != null && !args.isNull() && !args.isObject()) {
      throw new RpcArgumentException(display + " takes keyword arguments only: 'args' must be a JSON object, got "
          + args.getNodeType());
    }
    if (args != null && args.isObject()) {
      Iterator<String> it = args.fieldNames();
      while (it.hasNext()) {
        String name = it.next();
        if (!names.contains(name)) {
          throw new RpcArgumentException(display + " got an unexpected keyword argument '" + name + "'");
        }
      }
    }
    Object[] values = new Object[bindings.size() + (takesContext ? 1 : 0)];
    int i = 0;
    if (takesContext) {
      values[i++] = context;
    }
    for (Binding b : bindings) {
      if (b.server) {
        values[i++] = server;
        continue;
      }
      JsonNode node = args == null ? null : args.get(b.name);
      Object value;
      if (node == null) {
        if (b.required) {
          throw new RpcArgumentException(display + " missing required keyword argument '" + b.name + "'");
        }
        value = b.optionalWrapper ? Optional.empty() : zero(b.raw);
      } else {
        try {
          value = serializer.fromJson(node, b.type);
        } catch (IllegalArgumentException e) {
          throw new RpcArgumentException(display + " argument '" + b.name + "' cannot be converted to "
              + b.type.toCanonical() + ": " + e.getMessage(), e);
        }
        if (value == null && b.raw.isPrimitive()) {
          throw new RpcArgumentException(display + " argument '" + b.name + "' must not be null (it is a "
              + b.raw.getName() + ")");
        }
        if (b.optionalWrapper) {
          value = Optional.ofNullable(value);
        }
      }
      values[i++] = value;
    }
    try {
      return method.invoke(instance, values);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Object zero(Class<?> raw) {
    if (!raw.isPrimitive()) {
      return null;
    }
    if (raw == boolean.class) {
      return false;
    }
    if (raw == char.class) {
      return '\0';
    }
    return Map.<Class<?>, Object>of(byte.class, (byte) 0, short.class, (short) 0, int.class, 0, long.class, 0L,
        float.class, 0f, double.class, 0d).get(raw);
  }
}
