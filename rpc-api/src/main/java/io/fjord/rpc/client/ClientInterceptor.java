package io.fjord.rpc.client;

import java.util.concurrent.CompletableFuture;

/**
 * Observes, changes or answers the calls and casts of an {@link RpcClient}, in the style of OkHttp's
 * interceptors: registered with {@link RpcClient.Builder#interceptor}, they run in registration order,
 * the first one outermost, and each decides whether and with what to {@link Chain#proceed}.
 *
 * <pre>{@code
 * ClientInterceptor requestIds = (invocation, chain) -> {
 *   RequestContext ctx = invocation.context();
 *   if (!ctx.containsKey(RequestContext.REQUEST_ID)) {
 *     ctx = ctx.with(RequestContext.REQUEST_ID, "req-" + UUID.randomUUID());
 *   }
 *   long start = System.nanoTime();
 *   return chain.proceed(invocation.withContext(ctx))
 *       .whenComplete((result, error) -> record(invocation.method(), System.nanoTime() - start, error));
 * };
 * }</pre>
 *
 * <p>The result future completes with the converted result of a call ({@code null} for a cast), or
 * exceptionally with what the call would throw. An interceptor short-circuits by returning a future
 * of its own without proceeding (e.g. {@code CompletableFuture.completedFuture(cached)}, of the
 * invocation's {@link ClientInvocation#resultType()}). It runs on the calling thread; continuations on
 * the future from {@code proceed} run on a Fjord callback thread, never on a driver thread, and
 * must not block. Implementations MUST be thread-safe: one instance serves every call of the client.
 * A client without interceptors skips all of this.
 */
@FunctionalInterface
public interface ClientInterceptor {

  /** Handles {@code invocation}, usually by calling {@code chain.proceed(...)}; never returns null. */
  CompletableFuture<Object> intercept(ClientInvocation invocation, Chain chain);

  /** The rest of the interceptors, then the send. */
  interface Chain {
    /** Runs the next interceptor (or sends) with {@code invocation}. */
    CompletableFuture<Object> proceed(ClientInvocation invocation);
  }
}
