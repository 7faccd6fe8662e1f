package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method of an {@link RpcApi} interface a cast (fire-and-forget) instead of a call. It must
 * return {@code void} (returns once the broker has the message) or {@code CompletableFuture<Void>}
 * (completes on the broker's confirm).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cast {
}
