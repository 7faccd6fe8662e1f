package io.fjord.rpc.server;

import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.Version;
import io.fjord.rpc.annotation.RpcApi;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.annotation.Since;
import io.fjord.rpc.serializer.PayloadSerializer;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One endpoint object with its namespace, version and exposed methods. Immutable. */
final class Endpoint {
  final Object instance;
  /** null for the default namespace. */
  final String namespace;
  final Version version;
  final Map<String, EndpointMethod> methods;

  private Endpoint(Object instance, String namespace, Version version, Map<String, EndpointMethod> methods) {
    this.instance = instance;
    this.namespace = namespace;
    this.version = version;
    this.methods = methods;
  }

  /** An endpoint serving the namespace and version of its {@link RpcEndpoint} annotation (default: none, 1.0). */
  static Endpoint of(Object instance, AccessPolicy policy, PayloadSerializer serializer) {
    Class<?> type = instance.getClass();
    RpcEndpoint ann = type.getAnnotation(RpcEndpoint.class);
    if (ann == null) {
      Endpoint fromApi = ofApi(instance, type, policy, serializer);
      if (fromApi != null) {
        return fromApi;
      }
    }
    String namespace = ann == null || ann.namespace().isEmpty() ? null : ann.namespace();
    Version version;
    try {
      version = ann == null ? Version.DEFAULT : Version.parse(ann.version());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("@RpcEndpoint of " + type.getName() + ": " + e.getMessage());
    }
    return of(instance, namespace, version, policy, serializer);
  }

  /**
   * For an endpoint without {@link RpcEndpoint} implementing an {@link RpcApi} interface: its namespace
   * at the highest version it names (the interface's or a higher {@link Since}); null when none.
   */
  private static Endpoint ofApi(Object instance, Class<?> type, AccessPolicy policy, PayloadSerializer serializer) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        RpcApi api = i.getAnnotation(RpcApi.class);
        if (api == null) {
          continue;
        }
        Version version;
        try {
          version = Version.parse(api.version());
          for (Method m : i.getMethods()) {
            Since since = m.getAnnotation(Since.class);
            if (since != null) {
              Version v = Version.parse(since.value());
              if (v.major() == version.major() && v.compareTo(version) > 0) {
                version = v;
              }
            }
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("@RpcApi of " + i.getName() + " (implemented by " + type.getName() + "): "
              + e.getMessage());
        }
        return of(instance, api.namespace(), version, policy, serializer);
      }
    }
    return null;
  }

  /** An endpoint serving {@code namespace} (null or empty: the default) at {@code version}, ignoring any annotation. */
  static Endpoint of(Object instance, String namespace, Version version, AccessPolicy policy,
                     PayloadSerializer serializer) {
    Class<?> type = instance.getClass();
    if (namespace != null && namespace.isEmpty()) {
      namespace = null;
    }
    Map<String, EndpointMethod> methods = new LinkedHashMap<>();
    for (Method m : type.getMethods()) {
      if (!AccessPolicy.isCandidate(m)) {
        continue;
      }
      String wire = EndpointMethod.wireName(m);
      if (wire.startsWith(ServiceDescription.RESERVED_PREFIX)) {
        throw new IllegalArgumentException("Endpoint method " + m + " has the wire name '" + wire + "', but names "
            + "starting with '" + ServiceDescription.RESERVED_PREFIX + "' are reserved for Fjord's own methods ("
            + ServiceDescription.METHOD + " answers introspection); rename it with @RpcMethod");
      }
      if (!policy.isExposed(m, wire)) {
        continue;
      }
      EndpointMethod previous = methods.put(wire, EndpointMethod.of(m, wire, serializer));
      if (previous != null) {
        throw new IllegalArgumentException("Endpoint " + type.getName() + " exposes two methods as '" + wire + "': "
            + previous.method() + " and " + m + " (RPC has no overloading; rename one with @RpcMethod)");
      }
    }
    return new Endpoint(instance, namespace, version, Collections.unmodifiableMap(methods));
  }

  @Override
  public String toString() {
    return instance.getClass().getSimpleName() + "{namespace=" + namespace + ", version=" + version + ", methods="
        + methods.keySet() + "}";
  }
}
