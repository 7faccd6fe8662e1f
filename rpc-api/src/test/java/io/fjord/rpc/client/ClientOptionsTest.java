package io.fjord.rpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.Deadline;
import io.fjord.rpc.InvalidTargetException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Views of a client (prepare and its plain-named forms), the options it holds, and the deadline interceptors see. */
class ClientOptionsTest {
  private final Transport transport = Transport.open("memory://client-options");

  @AfterEach
  void close() {
    transport.close();
  }

  @Test
  void plainNamedViewsSayWhereTheyGo() {
    RpcClient client = RpcClient.create(transport, Target.topic("compute"));

    assertThat(client.toServer("host-1").target()).isEqualTo(Target.topic("compute").withServer("host-1"));
    assertThat(client.toAllServers().target()).isEqualTo(Target.topic("compute").withFanout(true));
    assertThat(client.toServer("host-1").toAnyServer().target()).isEqualTo(Target.topic("compute"));
    assertThat(client.toAllServers().target()).isEqualTo(client.prepare(null, true).target());
    assertThatThrownBy(() -> client.toAllServers().call(RequestContext.empty(), "m", Map.of(), Object.class))
        .isInstanceOf(InvalidTargetException.class);
  }

  @Test
  void prepareOverridesOnlyWhatItSets() {
    RpcClient client = RpcClient.builder(transport, Target.topic("compute")).timeout(Duration.ofSeconds(7))
        .versionCap("2.3").retry(2).build();

    RpcClient view = client.prepare(CallOptions.builder().timeout(Duration.ofSeconds(3)).version("2.1").build());

    assertThat(view.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(view.versionCap()).isEqualTo("2.3");
    assertThat(view.options().retry()).isEqualTo(2);
    assertThat(view.target().parsedVersion().minor()).isEqualTo(1);
    assertThat(client.timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(view.canSendVersion("2.3")).isTrue();
    assertThat(view.canSendVersion("2.4")).isFalse();
  }

  @Test
  void badVersionsFailWhenTheyAreGivenNotWhenSent() {
    assertThatThrownBy(() -> CallOptions.builder().versionCap("two")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CallOptions.builder().version("1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Target.topic("t").withVersion("x.y")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void priorityOutsideZeroToNineFailsWhenGivenNamingTheRange() {
    String expected = "priority must be 0 to 9 (0, the default, is oslo's; 5 and above are high on RabbitMQ 4 "
        + "quorum queues), got ";
    assertThatThrownBy(() -> CallOptions.builder().priority(10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected + "10");
    assertThatThrownBy(() -> CallOptions.builder().priority(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected + "-1");
    assertThatThrownBy(() -> RpcClient.builder(transport, Target.topic("compute")).priority(255))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(expected + "255");
    assertThatThrownBy(() -> new io.fjord.rpc.spi.SendOptions(null, false, null, Deadline.after(Duration.ofSeconds(1)),
        10)).isInstanceOf(IllegalArgumentException.class).hasMessage("priority must be 0 to 9, got 10");
    assertThat(CallOptions.builder().priority(0).build().priority()).isZero();
    assertThat(CallOptions.builder().priority(CallOptions.MAX_PRIORITY).build().priority()).isEqualTo(9);
  }

  @Test
  void priorityIsZeroUnlessSetAndAViewOverridesItOnlyWhenItSetsIt() {
    RpcClient client = RpcClient.create(transport, Target.topic("compute"));
    assertThat(client.options().priority()).isZero();

    RpcClient high = client.prepare(CallOptions.builder().priority(CallOptions.HIGH_PRIORITY).build());
    assertThat(high.options().priority()).isEqualTo(5);
    assertThat(high.prepare(CallOptions.builder().timeout(Duration.ofSeconds(3)).build()).options().priority())
        .isEqualTo(5);
    assertThat(high.prepare(CallOptions.builder().priority(0).build()).options().priority()).isZero();
    assertThat(RpcClient.builder(transport, Target.topic("compute")).priority(7).build().options().priority())
        .isEqualTo(7);
    assertThat(CallOptions.builder().priority(7).build()).hasToString("CallOptions{priority=7}");
    assertThat(client.options().priority()).isZero();
  }

  @Test
  void theMemoryDriverIgnoresPriorityAndDeliversInOrder() throws Exception {
    java.util.List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(4);
    String topic = "prio-" + System.nanoTime();
    io.fjord.rpc.server.RpcServer server = io.fjord.rpc.server.RpcServer.builder(transport,
            Target.topic(topic).withServer("s1"))
        .endpoint(new Object() {
          public void take(int id) {
            seen.add(id);
            all.countDown();
          }
        })
        .build();
    server.start();
    server.stop(); // the queue stays; what is cast now waits in it
    RpcClient client = RpcClient.create(transport, Target.topic(topic));
    client.cast(RequestContext.empty(), "take", Map.of("id", 0));
    client.cast(RequestContext.empty(), "take", Map.of("id", 1));
    RpcClient high = client.prepare(CallOptions.builder().priority(9).build());
    high.cast(RequestContext.empty(), "take", Map.of("id", 2));
    high.cast(RequestContext.empty(), "take", Map.of("id", 3));

    io.fjord.rpc.server.RpcServer second = io.fjord.rpc.server.RpcServer.builder(transport,
            Target.topic(topic).withServer("s1"))
        .endpoint(new Object() {
          public void take(int id) {
            seen.add(id);
            all.countDown();
          }
        })
        .executor(Runnable::run)
        .build();
    second.start();
    try {
      assertThat(all.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("all four casts handled").isTrue();
      assertThat(seen).containsExactly(0, 1, 2, 3);
    } finally {
      second.close();
      server.close();
    }
  }

  @Test
  void interceptorsSeeTheOneDeadlineMadeFromTheTimeout() {
    AtomicReference<Deadline> seen = new AtomicReference<>();
    RpcClient client = RpcClient.builder(transport, Target.topic("nobody-" + System.nanoTime()))
        .timeout(Duration.ofSeconds(9))
        .interceptor((invocation, chain) -> {
          seen.set(invocation.deadline());
          return CompletableFuture.completedFuture(null); // answered here, nothing sent
        })
        .build();

    client.cast(RequestContext.empty(), "m", Map.of());

    assertThat(seen.get().timeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(seen.get().remaining()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(9));
  }
}
