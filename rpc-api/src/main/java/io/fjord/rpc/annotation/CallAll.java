package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method of an {@link RpcApi} interface a scatter-gather call to every server of the topic
 * ({@code RpcClient.callAll}). It returns {@code GatherResult<T>} or {@code CompletableFuture<GatherResult<T>>},
 * {@code T} being each server's result type. What it waits for: an {@code Expected} parameter, placed before the
 * arguments (after a {@code RequestContext} if there is one), else {@link #count()} replies, else every reply until
 * the client's timeout.
 *
 * <pre>{@code
 * @CallAll(count = 3)
 * GatherResult<Health> health(RequestContext ctx);
 * @CallAll
 * CompletableFuture<GatherResult<Long>> queueDepth(Expected expected, String queue);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CallAll {
  /** Replies to wait for (without an {@code Expected} parameter); 0: every reply until the timeout. */
  int count() default 0;
}
