package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Java interface as an RPC contract that {@link io.fjord.rpc.client.RpcClient#proxy(Class)}
 * implements on the client side and an endpoint class may implement on the server side.
 *
 * <pre>{@code
 * @RpcApi(topic = "compute", namespace = "compute", version = "1.0")
 * interface ComputeApi {
 *   @RpcMethod("get_instance") Instance get(RequestContext ctx, @Param("instance_id") String id);
 *   @Since("1.3") List<Instance> list(@Param("host") String host);
 *   @Cast void refresh();
 *   CompletableFuture<Instance> getAsync(@Param("instance_id") String id);
 * }
 * }</pre>
 *
 * <p>An endpoint class that implements the interface and carries no {@link RpcEndpoint} serves
 * {@link #namespace()} at the highest version the interface names (its {@link #version()} or a
 * higher {@link Since}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcApi {
  /** Topic of the proxy's requests; {@code ""} keeps the client's topic. */
  String topic() default "";

  /** Namespace of the requests; {@code ""} keeps the client's (oslo's {@code None} when unset). */
  String namespace() default "";

  /** Version {@code X.Y[.Z]} sent by methods without {@link Since}. */
  String version() default "1.0";
}
