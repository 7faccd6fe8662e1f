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
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcEndpoint {
  /** Endpoint namespace; {@code ""} is the default namespace (oslo's {@code None}). */
  String namespace() default "";

  /** Implemented version {@code X.Y[.Z]}. */
  String version() default "1.0";
}
