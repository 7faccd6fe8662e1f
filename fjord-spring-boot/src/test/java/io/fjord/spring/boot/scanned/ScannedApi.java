package io.fjord.spring.boot.scanned;

import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcApi;

/** Found by {@code @ImportRpcClients(basePackageClasses = ScannedApi.class)}. */
@RpcApi(topic = "sb-echo", namespace = "echo", version = "1.0")
public interface ScannedApi {
  String echo(@Param("text") String text);
}
