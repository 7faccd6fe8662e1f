/**
 * Spring Boot auto-configuration of Fjord: {@link io.fjord.spring.boot.FjordAutoConfiguration} (transport,
 * RPC servers for {@code @RpcEndpoint} beans, typed clients of {@link io.fjord.spring.boot.ImportRpcClients},
 * notifier, {@link io.fjord.spring.boot.NotificationListener} beans), health, metrics and tracing; properties
 * {@link io.fjord.spring.boot.FjordProperties} under {@code fjord.*}; customizer callbacks. Applications depend on
 * {@code io.fjord:fjord-spring-boot-starter}. May use Spring, {@code io.fjord.rpc}, {@code io.fjord.notify} and,
 * optionally, {@code io.fjord.micrometer} and {@code io.fjord.otel}; never {@code io.fjord.rpc.internal}.
 */
package io.fjord.spring.boot;
