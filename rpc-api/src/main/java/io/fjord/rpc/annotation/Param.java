package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the keyword argument bound to an endpoint method parameter (default: the Java parameter
 * name, which needs {@code javac -parameters}). Arguments are converted with the transport's
 * serializer to the parameter's declared (generic) type.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
  /** Keyword argument name. */
  String value();

  /**
   * Whether the caller must send it. An optional argument that is missing binds as null (or the
   * primitive's zero); an {@code Optional<T>} parameter is always optional.
   */
  boolean required() default true;
}
