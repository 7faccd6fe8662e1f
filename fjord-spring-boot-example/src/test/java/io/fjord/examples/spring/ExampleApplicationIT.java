package io.fjord.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.fjord.notify.Priority;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.spring.boot.FjordHealthIndicator;
import io.fjord.spring.boot.FjordRpcServers;
import io.fjord.testbroker.TestBrokers;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Boots the example application against RabbitMQ (the test broker: {@code FJORD_TEST_AMQP_URL}, localhost:5672,
 * Testcontainers, else the test fails saying so), calls it through the injected proxy, receives its notification,
 * and stops it with a call in flight: the call completes before the transport closes.
 */
class ExampleApplicationIT {
  private final String url = TestBrokers.url();
  private final String exchange = TestBrokers.name("sb-example-x");
  private final String topic = TestBrokers.name("sb-example");
  private final String notifications = TestBrokers.name("sb-example-notifications");
  private final String pool = TestBrokers.name("sb-example-audit");
  private ConfigurableApplicationContext context;

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(ExampleApplication.class).run("--fjord.transport-url=" + url,
        "--example.demo=false", "--fjord.control-exchange=" + exchange, "--fjord.server.topic=" + topic,
        "--fjord.server.server=it-host", "--fjord.notifications.topics=" + notifications, "--example.audit-pool=" + pool,
        "--spring.lifecycle.timeout-per-shutdown-phase=20s");
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (context != null) {
      context.close();
    }
    Set<String> queues = new LinkedHashSet<>(List.of(topic, topic + ".it-host", pool));
    for (Priority p : Priority.values()) {
      queues.add(notifications + "." + p.routingName());
    }
    try (Connection c = TestBrokers.rawConnection(url, "sb-example-cleanup")) {
      TestBrokers.delete(c, queues, List.of(exchange, topic + "_fanout"));
    }
  }

  @Test
  void callsThroughTheProxyHearsTheNotificationAndReportsHealth() throws Exception {
    context = start();
    GreeterApi greeter = context.getBean(GreeterApi.class);
    assertThat(greeter.greet("rabbit")).isEqualTo("hello rabbit");
    ReceivedNotification n = context.getBean(GreetingAudit.class).await("greeter.greeted", Duration.ofSeconds(10));
    assertThat(n).isNotNull();
    assertThat(n.payload().get("name").asText()).isEqualTo("rabbit");
    assertThat(n.publisherId()).startsWith("fjord-example.");
    var health = context.getBean(FjordHealthIndicator.class).health();
    assertThat(health.getStatus().getCode()).isEqualTo("UP");
    assertThat(health.getDetails().get("broker").toString()).startsWith("RabbitMQ ");
    assertThat(health.getDetails()).containsKey("replyQueue");
    assertThat(health.getDetails().toString()).doesNotContain("guest:guest");
  }

  @Test
  void stoppingWithACallInFlightCompletesItBeforeTheTransportCloses() throws Exception {
    context = start();
    Greeter greeter = context.getBean(Greeter.class);
    Transport appTransport = context.getBean(Transport.class);
    // another service's call: its own transport, so only the server's shutdown is under test
    try (Transport caller = Transport.open(TransportUrl.parse(url),
        TransportOptions.builder().controlExchange(exchange).build())) {
      GreeterApi client = RpcClient.builder(caller, Target.topic(topic)).timeout(Duration.ofSeconds(30)).build()
          .proxy(GreeterApi.class);
      CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> client.slow("late", 1500));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (greeter.running() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(greeter.running()).as("the slow call reached the endpoint").isEqualTo(1);
      FjordRpcServers servers = context.getBean(FjordRpcServers.class);
      context.close(); // returns once the server drained and the transport closed
      context = null;
      assertThat(servers.isRunning()).isFalse();
      assertThat(appTransport.isClosed()).isTrue();
      assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("slow late");
    }
  }
}
