package io.fjord.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.notify.NotificationDriver;
import io.fjord.notify.Notifier;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every condition and property of {@link FjordAutoConfiguration}, on {@code memory://}. */
class FjordAutoConfigurationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(FjordAutoConfiguration.class));

  private final ApplicationContextRunner memory = runner.withPropertyValues("fjord.transport-url=memory://");

  @Test
  void missingTransportUrlFailsStartUpWithAnAnalysedMessage() {
    runner.run(context -> {
      assertThat(context).hasFailed();
      Throwable cause = context.getStartupFailure();
      while (cause.getCause() != null && !(cause instanceof TransportUrlMissingException)) {
        cause = cause.getCause();
      }
      assertThat(cause).isInstanceOf(TransportUrlMissingException.class).hasMessage(
          "No Fjord transport URL: set the property fjord.transport-url (or the environment variable "
              + "FJORD_TRANSPORT_URL), e.g. rabbit://user:pass@localhost:5672/, or memory:// for the in-process transport");
      FailureAnalysis analysis = new TransportUrlFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getAction()).contains("fjord.transport-url=memory://");
    });
  }

  @Test
  void memoryTransportOnlyWhenChosenAndClosedWithTheContext() {
    Transport[] seen = new Transport[1];
    memory.run(context -> {
      assertThat(context).hasSingleBean(Transport.class);
      seen[0] = context.getBean(Transport.class);
      assertThat(seen[0].url().scheme()).isEqualTo("memory");
      assertThat(seen[0].isConnected()).isTrue();
    });
    assertThat(seen[0].isClosed()).isTrue();
  }

  @Test
  void fjordTransportUrlEnvironmentVariableIsReadToo() {
    runner.withPropertyValues("FJORD_TRANSPORT_URL=memory://").run(context ->
        assertThat(context.getBean(Transport.class).url().scheme()).isEqualTo("memory"));
  }

  @Test
  void relaxedBindingAcceptsCamelCaseAndEnvironmentStyle() {
    runner.withPropertyValues("fjord.transportUrl=memory://")
        .withInitializer(environment(Map.of("FJORD_SERVER_MAXINPROGRESS", "7"))).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(FjordProperties.class).getServer().getMaxInProgress()).isEqualTo(7);
    });
  }

  @Test
  void invalidUrlFailsWithoutShowingThePassword() {
    runner.withPropertyValues("fjord.transport-url=rabbit://user:s3cret@/").run(context -> {
      assertThat(context).hasFailed();
      assertThat(stackText(context.getStartupFailure())).contains("Invalid transport URL").doesNotContain("s3cret");
    });
  }

  @Test
  void applicationTransportBeanWinsAndTheConfigurationUsesIt() {
    runner.withUserConfiguration(OwnTransport.class).run(context -> {
      assertThat(context).hasSingleBean(Transport.class);
      assertThat(context.getBean(Transport.class)).isSameAs(context.getBean("ownTransport"));
    });
  }

  @Test
  void transportPropertiesAndCustomizersShapeTheOptions() {
    memory.withPropertyValues("fjord.control-exchange=sb-exchange", "fjord.close-timeout=3s",
            "spring.application.name=sb-app")
        .withBean(TransportCustomizer.class, () -> options -> options.closeTimeout(Duration.ofSeconds(4)))
        .run(context -> {
          Transport t = context.getBean(Transport.class);
          assertThat(t.options().controlExchange()).isEqualTo("sb-exchange");
          assertThat(t.options().connectionName()).isEqualTo("sb-app");
          assertThat(t.options().closeTimeout()).isEqualTo(Duration.ofSeconds(4));
        });
  }

  @Test
  void rabbitPropertiesBecomeOsloUrlOptionsAndReplaceTheUrlOnes() {
    memory.withUserConfiguration(OwnTransport.class).withPropertyValues("fjord.rabbit.quorum-queue=true",
        "fjord.rabbit.heartbeat-timeout-threshold=30s", "fjord.rabbit.connection-timeout=1500ms",
        "fjord.rabbit.qos-prefetch-count=10", "fjord.rabbit.options.kombu_reconnect_splay=0.5")
        .withInitializer(environment(Map.of("FJORD_RABBIT_STREAMFANOUT", "true"))).run(context -> {
          RabbitOptions rabbit = context.getBean(FjordProperties.class).getRabbit();
          TransportUrl url = rabbit.applyTo(TransportUrl.parse("rabbit://u:p@h:5672/?rabbit_qos_prefetch_count=3"));
          assertThat(url.options()).containsEntry("rabbit_quorum_queue", "true")
              .containsEntry("heartbeat_timeout_threshold", "30").containsEntry("connection_timeout", "1.5")
              .containsEntry("rabbit_qos_prefetch_count", "10").containsEntry("kombu_reconnect_splay", "0.5")
              .containsEntry("rabbit_stream_fanout", "true");
          assertThat(rabbit.applyTo(TransportUrl.parse("memory://")).options()).isEmpty();
        });
  }

  @Test
  void wholeSecondOptionsRefuseFractions() {
    RabbitOptions rabbit = new RabbitOptions();
    rabbit.setHeartbeatTimeoutThreshold(Duration.ofMillis(1500));
    assertThatThrownBy(() -> rabbit.applyTo(TransportUrl.parse("rabbit://h/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Property fjord.rabbit.heartbeat-timeout-threshold=PT1.5S must be a whole, non-negative number "
            + "of seconds (oslo's option takes an integer)");
  }

  @Test
  void endpointBeansAreServedPerTopicAndServerAndTypedClientsCallThem() {
    memory.withUserConfiguration(Endpoints.class)
        .withPropertyValues("fjord.server.server=host-1", "fjord.server.topic=sb-echo",
            "fjord.server.topics.sb-greeter.server=host-2", "fjord.server.topics.sb-greeter.max-in-progress=3",
            "fjord.server.executor-threads=2", "fjord.client.echoes.topic=sb-echo")
        .run(context -> {
          FjordRpcServers servers = context.getBean(FjordRpcServers.class);
          assertThat(servers.isRunning()).isTrue();
          assertThat(servers.endpoints()).containsOnlyKeys(Target.topic("sb-greeter").withServer("host-2"),
              Target.topic("sb-echo").withServer("host-1"), Target.topic("sb-pinned").withServer("pinned-host"));
          Map<String, Integer> limits = new java.util.HashMap<>();
          for (RpcServer s : servers.servers()) {
            assertThat(s.isRunning()).isTrue();
            limits.put(s.target().topic(), s.maxInProgress());
          }
          assertThat(limits).containsEntry("sb-greeter", 3).containsEntry("sb-echo", 2);
          assertThat(context.getBean(TestApis.GreeterApi.class).greet("ada")).startsWith("hello ada from fjord-rpc-sb-greeter-");
          assertThat(context.getBean(TestApis.EchoApi.class).echo("hi")).isEqualTo("hi");
        });
  }

  @Test
  void importRpcClientsScansPackagesForRpcApiInterfaces() {
    memory.withUserConfiguration(Endpoints.class, Scanned.class)
        .withPropertyValues("fjord.server.topic=sb-echo", "fjord.client.echoes.topic=sb-echo").run(context ->
            assertThat(context.getBean(io.fjord.spring.boot.scanned.ScannedApi.class).echo("found")).isEqualTo("found"));
  }

  @Test
  void importRpcClientsRefusesAClassThatIsNoRpcApi() {
    memory.withUserConfiguration(NotAnApi.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(stackText(context.getStartupFailure())).contains("@ImportRpcClients(group = \"default\") names "
          + "java.lang.Runnable, which is not an interface annotated @RpcApi");
    });
  }

  @Test
  void endpointTopicAndServerPlaceholdersResolve() {
    memory.withUserConfiguration(Endpoints.class).withPropertyValues("test.pinned-topic=sb-elsewhere",
        "fjord.server.topic=sb-echo", "fjord.client.echoes.topic=sb-echo").run(context ->
        assertThat(context.getBean(FjordRpcServers.class).endpoints())
            .containsKey(Target.topic("sb-elsewhere").withServer("pinned-host")));
  }

  @Test
  void endpointWithoutTopicFailsNamingTheBean() {
    memory.withBean("lost", TestApis.NoTopic.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(stackText(context.getStartupFailure())).contains("@RpcEndpoint bean 'lost' ("
          + TestApis.NoTopic.class.getName() + ") has no topic: set @RpcEndpoint(topic = \"...\"), implement an "
          + "@RpcApi interface with a topic, or set the property fjord.server.topic");
    });
  }

  @Test
  void serversCanBeTurnedOff() {
    memory.withUserConfiguration(Endpoints.class)
        .withPropertyValues("fjord.server.enabled=false", "fjord.client.echoes.topic=sb-echo")
        .run(context -> assertThat(context).doesNotHaveBean(FjordRpcServers.class));
  }

  @Test
  void clientGroupPropertiesConfigureTheGroupsClient() {
    memory.withUserConfiguration(Endpoints.class).withPropertyValues("fjord.server.topic=sb-echo",
        "fjord.client.echoes.topic=sb-echo", "fjord.client.echoes.timeout=7s", "fjord.client.echoes.version-cap=1.0",
        "fjord.client.echoes.call-monitor-timeout=2s", "fjord.client.echoes.exchange=sb-x",
        "fjord.client.echoes.max-in-flight=9").run(context -> {
          RpcClient client = context.getBean(FjordRpcClients.class).client("echoes", null);
          assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(7));
          assertThat(client.versionCap()).isEqualTo("1.0");
          assertThat(client.callMonitorTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(client.target().exchange()).isEqualTo("sb-x");
          assertThat(client.maxInFlight()).isEqualTo(9);
        });
  }

  @Test
  void clientGroupServerSendsEveryRequestToThatServer() {
    memory.withUserConfiguration(Endpoints.class).withPropertyValues("fjord.server.topic=sb-echo",
        "fjord.client.echoes.topic=sb-echo", "fjord.client.echoes.server=nobody", "fjord.client.echoes.timeout=300ms")
        .run(context -> assertThatThrownBy(() -> context.getBean(TestApis.EchoApi.class).echo("x"))
            .isInstanceOf(io.fjord.rpc.MessagingTimeoutException.class));
  }

  @Test
  void clientGroupWithoutTopicFailsNamingTheProperty() {
    memory.withUserConfiguration(EchoClientsOnly.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(stackText(context.getStartupFailure())).contains("Typed client group 'echoes' has no topic: "
          + "set fjord.client.echoes.topic or give the interface one with @RpcApi(topic = \"...\")");
    });
  }

  @Test
  void customizersSeeEveryClientServerNotifierAndListener() {
    List<String> calls = new CopyOnWriteArrayList<>();
    memory.withUserConfiguration(Endpoints.class, Listeners.class)
        .withPropertyValues("fjord.server.topic=sb-echo", "fjord.client.echoes.topic=sb-echo")
        .withBean(RpcClientCustomizer.class, () -> (group, b) -> calls.add("client " + group))
        .withBean(RpcServerCustomizer.class, () -> new RpcServerCustomizer() {
          @Override
          public void customize(Target target, RpcServer.Builder builder) {
            calls.add("server " + target.topic());
          }

          @Override
          public void built(RpcServer server) {
            calls.add("built " + server.target().topic());
          }
        })
        .withBean(NotifierCustomizer.class, () -> new NotifierCustomizer() {
          @Override
          public NotificationDriver driver(NotificationDriver driver) {
            calls.add("driver " + driver);
            return driver;
          }

          @Override
          public void customize(Notifier.Builder builder) {
            calls.add("notifier");
          }
        })
        .withBean(NotificationListenerCustomizer.class, () -> (name, b) -> calls.add("listener " + name))
        .run(context -> {
          context.getBean(Notifier.class);
          assertThat(calls).contains("client greeters", "client echoes", "server sb-greeter", "built sb-greeter",
              "server sb-echo", "notifier", "listener audit");
        });
  }

  @Test
  void notifierSendsToTheListenerBeansWithPropertiesApplied() {
    memory.withUserConfiguration(Listeners.class).withPropertyValues("fjord.notifications.publisher-id=compute.host-1",
        "fjord.notifications.topics=sb-notifications", "fjord.notifications.timeout=5s").run(context -> {
          Notifier notifier = context.getBean(Notifier.class);
          assertThat(notifier.publisherId()).isEqualTo("compute.host-1");
          assertThat(notifier.topics()).containsExactly("sb-notifications");
          notifier.info(RequestContext.empty(), "other.event", Map.of());        // filtered out by eventType
          notifier.info(RequestContext.empty(), "compute.instance.create.end", Map.of("id", "vm-1"));
          TestApis.Audit audit = context.getBean(TestApis.Audit.class);
          assertThat(audit.await(Duration.ofSeconds(5))).isTrue();
          assertThat(audit.received.get(0).eventType()).isEqualTo("compute.instance.create.end");
          assertThat(audit.received.get(0).publisherId()).isEqualTo("compute.host-1");
          assertThat(context.getBean(FjordNotificationListeners.class).listeners())
              .containsEntry("NotificationListener for bean 'audit'", true);
        });
  }

  @Test
  void publisherIdDefaultsToTheApplicationName() {
    memory.withPropertyValues("spring.application.name=billing").run(context ->
        assertThat(context.getBean(Notifier.class).publisherId()).startsWith("billing."));
  }

  @Test
  void unknownNotificationDriverFailsNamingTheChoices() {
    memory.withPropertyValues("fjord.notifications.driver=kafka").run(context -> {
      assertThat(context).hasFailed();
      assertThat(stackText(context.getStartupFailure())).contains(
          "Unknown fjord.notifications.driver 'kafka': expected messagingv2, messaging, log or noop");
    });
  }

  @Test
  void notificationsCanBeTurnedOffAndAnApplicationNotifierWins() {
    memory.withPropertyValues("fjord.notifications.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(Notifier.class).doesNotHaveBean(FjordNotificationListeners.class));
    memory.withBean("myNotifier", Notifier.class,
            () -> Notifier.builder(Transport.open("memory://")).publisherId("mine").build())
        .run(context -> assertThat(context.getBean(Notifier.class).publisherId()).isEqualTo("mine"));
  }

  @Test
  void virtualThreadsPropertyIsIgnoredBeforeJava21() {
    memory.withUserConfiguration(Endpoints.class).withPropertyValues("spring.threads.virtual.enabled=true",
        "fjord.server.topic=sb-echo", "fjord.client.echoes.topic=sb-echo").run(context -> {
          boolean java21 = Runtime.version().feature() >= 21;
          String thread = context.getBean(TestApis.GreeterApi.class).greet("x");
          assertThat(thread).startsWith("hello x from fjord-rpc-sb-greeter-");
          if (java21) {
            assertThat(FjordAutoConfiguration.virtualThreads(context.getEnvironment())).isTrue();
          } else {
            assertThat(FjordAutoConfiguration.virtualThreads(context.getEnvironment())).isFalse();
          }
        });
  }

  @Test
  void stoppingTheContextLetsARunningCallFinishBeforeTheTransportCloses() throws Exception {
    try (Transport caller = Transport.open("memory://")) {
      TestApis.GreeterApi api = RpcClient.builder(caller, Target.topic("sb-greeter")).timeout(Duration.ofSeconds(10))
          .build().proxy(TestApis.GreeterApi.class);
      memory.withUserConfiguration(Endpoints.class)
          .withPropertyValues("fjord.server.topic=sb-echo", "fjord.client.echoes.topic=sb-echo")
          .run(context -> {
            TestApis.Greeter greeter = context.getBean(TestApis.Greeter.class);
            FjordRpcServers servers = context.getBean(FjordRpcServers.class);
            Transport transport = context.getBean(Transport.class);
            CompletableFuture<String> inFlight = api.slow("late");
            assertThat(greeter.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            // the server stops taking requests but the one running goes on; then the context finishes closing
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (servers.isRunning() && System.nanoTime() < deadline) {
              Thread.onSpinWait();
            }
            assertThat(servers.isRunning()).isFalse();
            assertThat(transport.isClosed()).isFalse();
            greeter.release.countDown();
            assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo("slow late");
            closing.get(10, TimeUnit.SECONDS);
            assertThat(transport.isClosed()).isTrue();
          });
    }
  }

  @Test
  void shutdownWaitsNoLongerThanTheShutdownPhaseTimeout() {
    try (Transport caller = Transport.open("memory://")) {
      TestApis.GreeterApi api = RpcClient.builder(caller, Target.topic("sb-greeter")).timeout(Duration.ofSeconds(10))
          .build().proxy(TestApis.GreeterApi.class);
      memory.withUserConfiguration(Endpoints.class).withPropertyValues("fjord.server.topic=sb-echo",
          "fjord.client.echoes.topic=sb-echo", "spring.lifecycle.timeout-per-shutdown-phase=300ms").run(context -> {
            TestApis.Greeter greeter = context.getBean(TestApis.Greeter.class);
            api.slow("stuck");
            assertThat(greeter.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(FjordAutoConfiguration.shutdownTimeout(context.getEnvironment())).isEqualTo(Duration.ofMillis(300));
            long start = System.nanoTime();
            context.getBean(FjordRpcServers.class).stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            greeter.release.countDown();
          });
    }
  }

  /** Adds {@code variables} as Boot sees the process environment (FJORD_X_Y style names). */
  static org.springframework.context.ApplicationContextInitializer<ConfigurableApplicationContext> environment(
      Map<String, String> variables) {
    return context -> context.getEnvironment().getPropertySources().replace(
        org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new org.springframework.core.env.SystemEnvironmentPropertySource(
            org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new java.util.HashMap<String, Object>(variables)));
  }

  private static String stackText(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnTransport {
    @Bean(destroyMethod = "close")
    Transport ownTransport() {
      return Transport.open("memory://");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportRpcClients(group = "greeters", types = TestApis.GreeterApi.class)
  @ImportRpcClients(group = "echoes", types = TestApis.EchoApi.class)
  static class Endpoints {
    @Bean
    TestApis.Greeter greeter() {
      return new TestApis.Greeter();
    }

    @Bean
    TestApis.Echo echo() {
      return new TestApis.Echo();
    }

    @Bean
    TestApis.Pinned pinned() {
      return new TestApis.Pinned();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportRpcClients(group = "echoes", types = TestApis.EchoApi.class)
  static class EchoClientsOnly {
  }

  @Configuration(proxyBeanMethods = false)
  @ImportRpcClients(group = "scanned", basePackageClasses = io.fjord.spring.boot.scanned.ScannedApi.class)
  static class Scanned {
  }

  @Configuration(proxyBeanMethods = false)
  @ImportRpcClients(types = Runnable.class)
  static class NotAnApi {
  }

  @Configuration(proxyBeanMethods = false)
  static class Listeners {
    @Bean
    TestApis.Audit audit() {
      return new TestApis.Audit();
    }
  }
}
