package io.fjord.examples.spring;

import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcApi;

/**
 * The example's RPC contract, shared by the endpoint ({@link Greeter}) and the typed client the application
 * injects. The topic comes from the properties ({@code fjord.server.topic}, {@code fjord.client.greeter.topic}).
 */
@RpcApi(namespace = "greeter", version = "1.0")
public interface GreeterApi {

  /** Greets {@code name} and sends a {@code greeter.greeted} notification. */
  String greet(@Param("name") String name);

  /** Works for {@code millis} before answering: a call that can be in flight while the service stops. */
  String slow(@Param("name") String name, @Param("millis") long millis);
}
