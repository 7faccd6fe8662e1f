package io.fjord.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.client.RpcClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An endpoint's namespace and version given when it is added, instead of by its annotation. */
class EndpointTargetTest {

  /** Annotated with one namespace and version; the tests serve it under others. */
  @RpcEndpoint(namespace = "annotated", version = "1.0")
  public static class Echo {
    public String echo(String value) {
      return value;
    }
  }

  private static RpcClient client(Transport transport, Target target) {
    return RpcClient.builder(transport, target).timeout(Duration.ofSeconds(10)).build();
  }

  @Test
  void endpointServesTheNamespaceAndVersionGivenAtRunTime() {
    String topic = "et_" + UUID.randomUUID().toString().replace("-", "");
    try (Transport transport = Transport.open("memory://");
         RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1"))
             .endpoint(new Echo(), "runtime", "2.4").build()) {
      server.start();

      assertThat(client(transport, Target.topic(topic).withNamespace("runtime").withVersion("2.3"))
          .call(RequestContext.empty(), "echo", Map.of("value", "hi"), String.class)).isEqualTo("hi");
      assertThatThrownBy(() -> client(transport, Target.topic(topic).withNamespace("annotated").withVersion("1.0"))
          .call(RequestContext.empty(), "echo", Map.of("value", "hi"), String.class))
          .isInstanceOf(UnsupportedRpcVersionException.class);
      assertThatThrownBy(() -> client(transport, Target.topic(topic).withNamespace("runtime").withVersion("2.5"))
          .call(RequestContext.empty(), "echo", Map.of("value", "hi"), String.class))
          .isInstanceOf(UnsupportedRpcVersionException.class);
    }
  }

  @Test
  void nullNamespaceIsTheDefaultNamespace() {
    String topic = "et_" + UUID.randomUUID().toString().replace("-", "");
    try (Transport transport = Transport.open("memory://");
         RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1"))
             .endpoint(new Echo(), null, "1.1").build()) {
      server.start();

      assertThat(client(transport, Target.topic(topic)).call(RequestContext.empty(), "echo", Map.of("value", "x"),
          String.class)).isEqualTo("x");
    }
  }

  @Test
  void invalidVersionIsRejectedWhenAdded() {
    try (Transport transport = Transport.open("memory://")) {
      RpcServer.Builder builder = RpcServer.builder(transport, Target.topic("t").withServer("s1"));

      assertThatThrownBy(() -> builder.endpoint(new Echo(), "ns", "one"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
