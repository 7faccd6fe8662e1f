package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a leading {@code String} parameter of an {@link RpcApi} method as the server the request goes
 * to ({@code <topic>.<server>}); null sends to any server of the topic. It is not sent as an argument;
 * an endpoint implementing the interface gets its own server name there.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Server {
}
