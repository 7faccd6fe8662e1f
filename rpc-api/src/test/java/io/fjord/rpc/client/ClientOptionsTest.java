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
