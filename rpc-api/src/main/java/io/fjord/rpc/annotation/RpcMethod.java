package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an endpoint method on the wire (default: the Java name), e.g. {@code @RpcMethod("start_instance")}.
 * With {@link io.fjord.rpc.server.AccessPolicy#EXPLICIT} only methods carrying it are exposed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RpcMethod {
  /** Wire name; {@code ""} uses the Java method name. */
  String value() default "";
}
