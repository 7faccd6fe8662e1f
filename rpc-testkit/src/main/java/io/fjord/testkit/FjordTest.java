package io.fjord.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a Fjord transport per test: declare a {@link io.fjord.rpc.Transport} or a
 * {@link FjordKit} parameter on a test (or {@code @BeforeEach}) method.
 *
 * <pre>{@code
 * @FjordTest
 * class ComputeIT {
 *   @Test
 *   void startsAnInstance(FjordKit kit) {
 *     CallRecorder calls = new CallRecorder();
 *     kit.startServer(kit.topic("compute"), "host-1", calls, new ComputeManager());
 *     RpcClient.create(kit.transport(), Target.topic(kit.topic("compute"))).call(ctx, "start", Map.of(), Void.class);
 *     calls.awaitCall("start", Duration.ofSeconds(5));
 *   }
 * }
 * }</pre>
 *
 * <p>The broker is found in this order: the environment variable {@code FJORD_TEST_AMQP_URL};
 * RabbitMQ on {@code localhost:5672} (guest/guest) when it answers; a Testcontainers RabbitMQ when
 * Docker is available; {@code memory://} only with {@link #allowMemory()}. Otherwise the test fails
 * with a message naming the three ways to provide a broker. Each test gets its own control exchange
 * and name prefix, and what it declared through the kit is deleted afterwards.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(FjordExtension.class)
public @interface FjordTest {
  /** Whether the test may fall back to the in-process {@code memory://} transport when no broker is found. */
  boolean allowMemory() default false;
}
