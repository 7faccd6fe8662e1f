package io.fjord.rpc.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.NoSuchDriverException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What is specific to the memory:// driver and to finding drivers by scheme. */
class MemoryDriverTest {

  /** A minimal endpoint. */
  public static class Ping {
    public String ping() {
      return "pong";
    }
  }

  private static Target target() {
    return Target.topic("md_" + UUID.randomUUID().toString().replace("-", ""));
  }

  @Test
  void fakeSchemeIsAnAliasSharingTheSameBus() {
    Target target = target();
    try (Transport server = Transport.open("memory://");
         Transport client = Transport.open("fake://");
         RpcServer rpc = RpcServer.builder(server, target.withServer("s1")).endpoint(new Ping()).build()) {
      rpc.start();

      assertThat(RpcClient.builder(client, target).timeout(Duration.ofSeconds(10)).build()
          .call(RequestContext.empty(), "ping", Map.of(), String.class)).isEqualTo("pong");
    }
  }

  @Test
  void differentVirtualHostsNeverCross() {
    Target target = target();
    try (Transport server = Transport.open("memory:///a");
         Transport client = Transport.open("memory:///b");
         RpcServer rpc = RpcServer.builder(server, target.withServer("s1")).endpoint(new Ping()).build()) {
      rpc.start();
      RpcClient c = RpcClient.builder(client, target).timeout(Duration.ofMillis(300)).build();

      assertThatThrownBy(() -> c.call(RequestContext.empty(), "ping", Map.of(), String.class))
          .isInstanceOf(MessagingTimeoutException.class);
    }
  }

  @Test
  void memoryTransportRejectsOptions() {
    assertThatThrownBy(() -> Transport.open("memory://?heartbeat=10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The memory:// transport takes no options, got [heartbeat]");
  }

  @Test
  void unknownSchemeNamesInstalledSchemesAndTheArtifact() {
    assertThatThrownBy(() -> Transport.open("rabbit://guest:s3cr3t@localhost:5672/"))
        .isInstanceOf(NoSuchDriverException.class)
        .hasMessage("No transport driver for scheme 'rabbit' (URL rabbit://guest:****@localhost:5672/); installed "
            + "schemes: [fake, memory, notesonly]; add the artifact io.fjord:rpc-transport-amqp to the class path")
        .satisfies(e -> {
          assertThat(((NoSuchDriverException) e).scheme()).isEqualTo("rabbit");
          assertThat(((NoSuchDriverException) e).installedSchemes()).containsExactlyInAnyOrder("memory", "fake", "notesonly");
        });
  }

  @Test
  void unknownThirdPartySchemeSuggestsADriverJar() {
    assertThatThrownBy(() -> Transport.open("zmq://host/"))
        .isInstanceOf(NoSuchDriverException.class)
        .hasMessageEndingWith("add a jar that provides an io.fjord.rpc.spi.DriverProvider for 'zmq'");
  }

  @Test
  void transportToStringHidesThePassword() {
    try (Transport t = Transport.open("memory://user:s3cr3t@localhost/")) {
      assertThat(t.toString()).isEqualTo("Transport{memory://user:****@localhost/}");
      assertThat(t.isClosed()).isFalse();
      t.close();
      assertThat(t.isClosed()).isTrue();
    }
  }
}
