package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The interface version that added a method of an {@link RpcApi} interface, e.g. {@code @Since("1.3")}:
 * the proxy sends the method's requests with this version, and refuses them before sending with
 * {@link io.fjord.rpc.RpcVersionCapException} when it is above the client's version cap.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Since {
  /** Version {@code X.Y[.Z]}. */
  String value();
}
