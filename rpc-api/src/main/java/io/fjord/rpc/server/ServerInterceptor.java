package io.fjord.rpc.server;

/**
 * Observes, changes or answers the requests an {@link RpcServer} dispatches, in the style of OkHttp's
 * interceptors: registered with {@link RpcServer.Builder#interceptor}, they run in registration order,
 * the first one outermost, around endpoint selection and the endpoint method.
 *
 * <pre>{@code
 * ServerInterceptor timing = (invocation, chain) -> {
 *   long start = System.nanoTime();
 *   try {
 *     return chain.proceed(invocation);
 *   } finally {
 *     record(invocation.method(), System.nanoTime() - start);
 *   }
 * };
 * }</pre>
 *
 * <p>{@code proceed} returns the endpoint's result (a {@link java.util.concurrent.CompletionStage}
 * when the endpoint is asynchronous) or throws what selection or the endpoint threw (e.g.
 * {@link io.fjord.rpc.NoSuchRpcMethodException}); what the outermost interceptor returns or throws
 * is what the caller gets. An interceptor short-circuits by returning (or throwing) without
 * proceeding. Interceptors run on the server's executor thread that handles the request, with the
 * request id in the SLF4J MDC. Implementations MUST be thread-safe.
 */
@FunctionalInterface
public interface ServerInterceptor {

  /** Handles {@code invocation}, usually by calling {@code chain.proceed(...)}. */
  Object intercept(ServerInvocation invocation, Chain chain) throws Exception;

  /** The rest of the interceptors, then dispatch to the endpoint. */
  interface Chain {
    /** Runs the next interceptor (or the endpoint) with {@code invocation}. */
    Object proceed(ServerInvocation invocation) throws Exception;
  }
}
