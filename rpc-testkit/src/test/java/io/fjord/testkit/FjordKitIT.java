package io.fjord.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Connection;
import io.fjord.notify.Notifier;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcApi;
import io.fjord.rpc.annotation.Cast;
import io.fjord.rpc.client.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test kit used as a user would, on the test broker. */
@FjordTest
@Timeout(60)
class FjordKitIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RpcApi(namespace = "kit")
  public interface Greeter {
    String greet(@Param("name") String name);

    @Cast
    void wave(@Param("name") String name);
  }

  public static final class GreeterImpl implements Greeter {
    @Override
    public String greet(String name) {
      return "hello " + name;
    }

    @Override
    public void wave(String name) {
    }
  }

  @Test
  void providesABrokerTransportWithItsOwnNamesAndRecordsCalls(FjordKit kit, Transport transport) {
    assertThat(kit.isMemory()).isFalse();
    assertThat(kit.transport()).isSameAs(transport);
    String topic = kit.topic("greeter");
    assertThat(topic).startsWith("greeter_").isEqualTo(kit.topic("greeter"));
    CallRecorder calls = new CallRecorder();
    kit.startServer(topic, "host-1", calls, new GreeterImpl());

    Greeter greeter = RpcClient.builder(kit.openTransport(), Target.topic(topic)).timeout(WAIT).build()
        .proxy(Greeter.class);
    assertThat(greeter.greet("kit")).isEqualTo("hello kit");
    greeter.wave("everyone");

    assertThat(calls.awaitCall("greet", WAIT).args().get("name").asText()).isEqualTo("kit");
    CallRecorder.ReceivedCall wave = calls.awaitCall("wave", WAIT);
    assertThat(wave.isCall()).isFalse();
    assertThatThrownBy(() -> calls.awaitCalls("greet", 2, Duration.ofMillis(100)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expected 2 request(s) for 'greet' within PT0.1S, got 1; all received: [greet, wave]");
  }

  @Test
  void waitsForNotifications(FjordKit kit) {
    String topic = kit.topic("notifications");
    NotificationRecorder recorder = new NotificationRecorder();
    kit.listen(topic, recorder);
    Notifier notifier = Notifier.builder(kit.transport()).publisherId("compute.host-1").topics(topic).build();

    notifier.info(RequestContext.empty(), "compute.instance.create.end", Map.of("id", "vm-1"));

    assertThat(recorder.await("compute.instance.create.end", WAIT).payload().get("id").asText()).isEqualTo("vm-1");
  }

  @Test
  void deletesWhatTheTestDeclared(FjordKit kit) throws Exception {
    String declaredTopic = kit.topic("cleanup");
    String declaredExchange = kit.exchange();
    kit.startServer(declaredTopic, "host-1", new GreeterImpl());
    try (Connection c = kit.rawConnection()) {
      assertThat(exists(c, declaredTopic)).isTrue();
    }
    kit.close();
    try (Connection c = kit.rawConnection()) {
      assertThat(exists(c, declaredTopic)).isFalse();
      assertThat(exists(c, declaredTopic + ".host-1")).isFalse();
      assertThat(exchangeExists(c, declaredExchange)).isFalse();
    }
  }

  @Test
  void noBrokerMessageNamesTheThreeWays() {
    assertThat(TestBrokers.noBrokerMessage()).contains(TestBrokers.ENV).contains("localhost:5672")
        .contains("Docker").contains("allowMemory");
  }

  private static boolean exists(Connection c, String queue) throws IOException {
    return io.fjord.testbroker.TestBrokers.queueExists(c, queue);
  }

  private static boolean exchangeExists(Connection c, String exchange) throws IOException {
    return io.fjord.testbroker.TestBrokers.exchangeExists(c, exchange);
  }
}
