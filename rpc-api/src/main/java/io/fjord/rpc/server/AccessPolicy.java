package io.fjord.rpc.server;

import io.fjord.rpc.annotation.RpcMethod;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Decides which methods of an endpoint are callable over RPC (oslo's access policies). Whatever
 * the policy, static, synthetic and bridge methods and {@link Object}'s methods are never exposed.
 * Implementations MUST be thread-safe and side-effect free.
 */
@FunctionalInterface
public interface AccessPolicy {

  /** oslo's default: every public method whose wire name does not start with {@code _}. */
  AccessPolicy DEFAULT = (method, wireName) -> !wireName.startsWith("_");

  /** Only methods annotated with {@link RpcMethod}, here or on the interface method they implement (oslo's {@code ExplicitRPCAccessPolicy}). */
  AccessPolicy EXPLICIT = (method, wireName) -> EndpointMethod.findAnnotation(method, RpcMethod.class) != null && !wireName.startsWith("_");

  /**
   * @param method a public instance method of the endpoint class
   * @param wireName its name on the wire
   */
  boolean isExposed(Method method, String wireName);

  /** The checks no policy can relax. */
  static boolean isCandidate(Method m) {
    return Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
        && !m.isBridge() && m.getDeclaringClass() != Object.class;
  }
}
