package io.fjord.notify;

import com.fasterxml.jackson.databind.JavaType;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.serializer.PayloadSerializer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One listener endpoint: its methods per priority, how to call them, and its filter. Immutable. */
final class NotificationEndpoint {

  private enum Shape { OSLO, SINGLE, BATCH }

  private record Handler(Method method, Shape shape, JavaType payloadType) {
  }

  final Object instance;
  final NotificationFilter filter;
  private final Map<Priority, Handler> handlers;

  private NotificationEndpoint(Object instance, NotificationFilter filter, Map<Priority, Handler> handlers) {
    this.instance = instance;
    this.filter = filter;
    this.handlers = handlers;
  }

  static NotificationEndpoint of(Object instance, NotificationFilter filter, boolean batch, PayloadSerializer serializer) {
    Class<?> type = instance.getClass();
    Map<Priority, Handler> handlers = new EnumMap<>(Priority.class);
    for (Method m : type.getMethods()) {
      if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers()) || m.isBridge() || m.isSynthetic()) {
        continue;
      }
      OnNotification ann = m.getAnnotation(OnNotification.class);
      Priority[] priorities;
      if (ann != null) {
        priorities = ann.value();
      } else {
        Priority p = byName(m.getName());
        if (p == null) {
          continue;
        }
        priorities = new Priority[] {p};
      }
      Handler h = handler(m, batch, serializer);
      for (Priority p : priorities) {
        Handler previous = handlers.put(p, h);
        if (previous != null && !previous.method.equals(m)) {
          throw new IllegalArgumentException("Notification endpoint " + type.getName() + " has two methods for priority "
              + p.routingName() + ": " + previous.method.getName() + " and " + m.getName());
        }
      }
    }
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("Notification endpoint " + type.getName() + " has no method for any priority "
          + "(name public methods info, warn, error, ... or annotate them with @OnNotification)");
    }
    return new NotificationEndpoint(instance, filter, handlers);
  }

  private static Priority byName(String name) {
    for (Priority p : Priority.values()) {
      if (p.routingName().equals(name)) {
        return p;
      }
    }
    return name.equals("warning") ? Priority.WARN : null;
  }

  private static Handler handler(Method m, boolean batch, PayloadSerializer serializer) {
    Class<?>[] params = m.getParameterTypes();
    Class<?> ret = m.getReturnType();
    if (ret != void.class && ret != NotificationResult.class) {
      throw new IllegalArgumentException("Notification endpoint method " + m + " must return void or NotificationResult");
    }
    m.trySetAccessible();
    if (batch) {
      Type t = m.getGenericParameterTypes().length == 1 ? m.getGenericParameterTypes()[0] : null;
      if (t instanceof ParameterizedType pt && pt.getRawType() == List.class
          && pt.getActualTypeArguments()[0] == ReceivedNotification.class) {
        return new Handler(m, Shape.BATCH, null);
      }
      throw new IllegalArgumentException("Batch listener endpoint method " + m
          + " must take one List<ReceivedNotification> parameter");
    }
    if (params.length == 1 && params[0] == ReceivedNotification.class) {
      return new Handler(m, Shape.SINGLE, null);
    }
    if (params.length == 5 && params[0] == RequestContext.class && params[1] == String.class && params[2] == String.class
        && params[4] == ReceivedNotification.Metadata.class) {
      return new Handler(m, Shape.OSLO, serializer.typeFactory().constructType(m.getGenericParameterTypes()[3]));
    }
    throw new IllegalArgumentException("Notification endpoint method " + m + " must take (RequestContext ctx, String "
        + "publisherId, String eventType, T payload, ReceivedNotification.Metadata metadata) or (ReceivedNotification)");
  }

  java.util.Set<Priority> priorities() {
    return handlers.keySet();
  }

  boolean handles(Priority p) {
    return handlers.containsKey(p);
  }

  /** Calls the method for one notification; null result means HANDLED. */
  NotificationResult deliver(ReceivedNotification n, PayloadSerializer serializer) throws Throwable {
    Handler h = handlers.get(n.priority());
    Object[] args = switch (h.shape) {
      case SINGLE -> new Object[] {n};
      case OSLO -> new Object[] {n.context(), n.publisherId(), n.eventType(),
          serializer.fromJson(n.payload(), h.payloadType), n.metadata()};
      case BATCH -> throw new IllegalStateException("batch method called for one notification");
    };
    return invoke(h, args);
  }

  /** Calls the batch method with notifications of one priority. */
  NotificationResult deliverBatch(Priority p, List<ReceivedNotification> batch) throws Throwable {
    return invoke(handlers.get(p), new Object[] {batch});
  }

  private NotificationResult invoke(Handler h, Object[] args) throws Throwable {
    try {
      Object r = h.method.invoke(instance, args);
      return r instanceof NotificationResult nr ? nr : NotificationResult.HANDLED;
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public String toString() {
    return instance.getClass().getSimpleName() + handlers.keySet();
  }
}
