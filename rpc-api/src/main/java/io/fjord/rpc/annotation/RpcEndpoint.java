package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose public methods an {@link io.fjord.rpc.server.RpcServer} exposes, with the
 * namespace and interface version it implements (oslo's endpoint {@code target}). A request reaches
 * this endpoint when its namespace equals {@link #namespace()} (no namespace matches only the
 * default {@code ""}) and its version has the same major and a minor not above this one.
 *
 * <p>The annotation is optional: an endpoint without it serves the default namespace at 1.0.
 *
 * <p>{@link #topic()} and {@link #server()} are for containers that build the servers themselves (the Spring
 * Boot auto-configuration serves each annotated bean on them); {@code RpcServer.builder(transport, target)}
 * ignores them, as its target says where it listens.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcEndpoint {
  /** Endpoint namespace; {@code ""} is the default namespace (oslo's {@code None}). */
  String namespace() default "";

  /** Implemented version {@code X.Y[.Z]}. */
  String version() default "1.0";

  /**
   * Topic a container serves this endpoint on; {@code ""}: the container's default (for Spring Boot, the
   * topic of an implemented {@link RpcApi} interface, else {@code fjord.server.topic}).
   */
  String topic() default "";

  /** Server name (oslo's host) a container serves this endpoint as; {@code ""}: the container's default. */
  String server() default "";
}
