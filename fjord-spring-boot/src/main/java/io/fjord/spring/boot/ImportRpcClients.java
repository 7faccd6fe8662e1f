package io.fjord.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Registers a bean per {@link io.fjord.rpc.annotation.RpcApi} interface: a typed proxy
 * ({@link io.fjord.rpc.client.RpcClient#proxy(Class)}) on the client of {@link #group()}, configured by the
 * properties {@code fjord.client.<group>.*}, as Spring Framework's {@code @ImportHttpServices} does for HTTP
 * interfaces. Put it on a {@code @Configuration} or {@code @SpringBootApplication} class; repeat it for
 * several groups.
 *
 * <pre>{@code
 * @SpringBootApplication
 * @ImportRpcClients(group = "compute", types = ComputeApi.class)
 * class App { }
 * // application.properties: fjord.client.compute.timeout=5s
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(ImportRpcClients.Container.class)
@Import(RpcClientsRegistrar.class)
public @interface ImportRpcClients {

  /** Group of the clients: their settings are {@code fjord.client.<group>.*}. */
  String group() default "default";

  /** The {@code @RpcApi} interfaces to proxy. */
  Class<?>[] types() default {};

  /** Packages whose {@code @RpcApi} interfaces are proxied too. */
  String[] basePackages() default {};

  /** Type-safe {@link #basePackages()}: the packages of these classes. */
  Class<?>[] basePackageClasses() default {};

  /** Holds repeated {@link ImportRpcClients}. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @Import(RpcClientsRegistrar.class)
  @interface Container {
    /** The repeated annotations. */
    ImportRpcClients[] value();
  }
}
