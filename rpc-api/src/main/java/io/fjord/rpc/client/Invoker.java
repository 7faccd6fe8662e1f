package io.fjord.rpc.client;

import com.fasterxml.jackson.databind.JavaType;
import io.fjord.rpc.RequestContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the typed proxies ({@link ApiProxy}, {@link ApiMethod}) need of a client: {@link RpcClient}
 * implements it, and the proxies depend on this alone, so the client and its proxies do not depend on
 * each other.
 */
interface Invoker {
  Invoker prepare(CallOptions options);

  Invoker prepare(String server, boolean fanout);

  <T> T call(RequestContext context, String method, Map<String, ?> args, JavaType type);

  <T> CompletableFuture<T> callAsync(RequestContext context, String method, Map<String, ?> args, JavaType type);

  void cast(RequestContext context, String method, Map<String, ?> args);

  CompletableFuture<Void> castAsync(RequestContext context, String method, Map<String, ?> args);

  <T> CompletableFuture<GatherResult<T>> callAllAsync(RequestContext context, String method, Map<String, ?> args,
                                                     JavaType type, Expected expected);
}
