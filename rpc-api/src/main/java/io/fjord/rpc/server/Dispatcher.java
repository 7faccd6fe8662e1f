package io.fjord.rpc.server;

import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.Version;
import java.util.List;
import java.util.Objects;

/**
 * oslo's dispatch rule (docs/wire-format.md §3.5): in registration order, the first endpoint whose namespace
 * equals the request's and whose version can serve the requested one, and which has the method.
 * No such method on a matching endpoint: {@link NoSuchRpcMethodException}; no matching endpoint at
 * all (including a namespace mismatch): {@link UnsupportedRpcVersionException}. Fjord's reserved methods
 * ({@code fjord.*}, docs/wire-format.md §9) are selected before namespaces and versions are looked at:
 * {@code fjord.describe} when introspection is on, else {@link NoSuchRpcMethodException}. Immutable.
 */
final class Dispatcher {
  record Selection(Endpoint endpoint, EndpointMethod method) {
  }

  private final List<Endpoint> endpoints;
  /** What answers {@code fjord.describe}; null when introspection is off. */
  private final Selection describe;
  private record Parsed(String text, Version version) {
  }

  private volatile Parsed lastParsed;

  /** Dispatches to {@code endpoints}; {@code describer} (null: introspection off) answers {@code fjord.describe}. */
  Dispatcher(List<Endpoint> endpoints, Endpoint describer) {
    this.endpoints = List.copyOf(endpoints);
    this.describe = describer == null ? null : new Selection(describer, describer.methods.values().iterator().next());
  }

  /** Whether any endpoint method is {@link io.fjord.rpc.annotation.NonBlocking}. */
  boolean hasNonBlocking() {
    return endpoints.stream().anyMatch(e -> e.methods.values().stream().anyMatch(EndpointMethod::isNonBlocking));
  }

  /** Whether the method a request selects is non-blocking; false when it selects none. */
  boolean isNonBlocking(String method, String namespace, String version) {
    if (method == null) {
      return false;
    }
    try {
      return select(method, namespace, version).method().isNonBlocking();
    } catch (RuntimeException e) {
      return false; // the executor reports it
    }
  }

  Selection select(String method, String namespace, String version) {
    if (method.startsWith(ServiceDescription.RESERVED_PREFIX)) {
      // Fjord's own methods, whatever the namespace and version: no endpoint method can have such a name
      if (describe != null && method.equals(ServiceDescription.METHOD)) {
        return describe;
      }
      throw new NoSuchRpcMethodException(method);
    }
    String requested = version == null ? "1.0" : version;
    Parsed last = lastParsed;
    Version v;
    if (last != null && last.text.equals(requested)) {
      v = last.version;
    } else {
      try {
        v = Version.parse(requested);
      } catch (IllegalArgumentException e) {
        throw new UnsupportedRpcVersionException(requested, method);
      }
      // most requests to a server ask for the same version: keep the last parse
      lastParsed = new Parsed(requested, v);
    }
    boolean compatible = false;
    for (Endpoint e : endpoints) {
      if (!Objects.equals(e.namespace, namespace) || !e.version.canServe(v)) {
        continue;
      }
      EndpointMethod m = e.methods.get(method);
      if (m != null) {
        return new Selection(e, m);
      }
      compatible = true;
    }
    if (compatible) {
      throw new NoSuchRpcMethodException(method);
    }
    throw new UnsupportedRpcVersionException(requested, method);
  }
}
