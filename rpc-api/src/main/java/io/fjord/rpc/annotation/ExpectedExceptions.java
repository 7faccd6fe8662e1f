package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exceptions an endpoint method raises as part of its contract (oslo's {@code @expected_exceptions}):
 * they go back to the caller as usual but are logged at debug level, not as server errors.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ExpectedExceptions {
  Class<? extends Throwable>[] value();
}
