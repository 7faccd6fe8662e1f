/**
 * Annotations that describe RPC endpoints ({@code @RpcEndpoint}, {@code @RpcMethod}, {@code @Since},
 * {@code @ExpectedExceptions}, {@code @Param}, {@code @NonBlocking}) and typed client interfaces ({@code @RpcApi}, {@code @Cast},
 * {@code @Server}). Pure declarations: may use nothing of Fjord; read by {@code client} and {@code server}.
 */
package io.fjord.rpc.annotation;
