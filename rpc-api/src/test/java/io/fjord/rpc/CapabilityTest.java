package io.fjord.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import io.fjord.rpc.spi.Driver;
import io.fjord.rpc.spi.DriverProvider;
import io.fjord.rpc.spi.SendOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A driver declares what it supports; builders needing more fail at build(), naming the capability and the
 * driver, and a driver implements only the methods of its capabilities.
 */
class CapabilityTest {

  /** A notifications-only driver (as oslo's Kafka driver is): it implements nothing of RPC. */
  public static final class NotesOnlyProvider implements DriverProvider {
    static final List<byte[]> SENT = new CopyOnWriteArrayList<>();

    @Override
    public Set<String> schemes() {
      return Set.of("notesonly");
    }

    @Override
    public Driver open(TransportUrl url, TransportOptions options) {
      return new Driver() {
        @Override
        public Set<Capability> capabilities() {
          return Set.of(Capability.NOTIFICATIONS);
        }

        @Override
        public CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body,
                                                        SendOptions options) {
          SENT.add(body);
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
      };
    }
  }

  @Test
  void memoryDeclaresEverythingButABrokerDeliveryLimit() {
    try (Transport t = Transport.open("memory://")) {
      assertThat(t.capabilities()).containsExactlyInAnyOrder(Capability.RPC, Capability.NOTIFICATIONS,
          Capability.REQUEUE, Capability.EXPIRATION, Capability.PUBLISHER_CONFIRMS);
      assertThat(t.supports(Capability.DELIVERY_LIMIT)).isFalse();
    }
  }

  @Test
  void rpcBuildersRefuseADriverWithoutRpcNamingBoth() {
    try (Transport t = Transport.open("notesonly://")) {
      assertThatThrownBy(() -> RpcServer.builder(t, Target.topic("t").withServer("s")).endpoint(new Object() {
        public int one() {
          return 1;
        }
      }).build())
          .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
            assertThat(e.capability()).isEqualTo(Capability.RPC);
            assertThat(e.scheme()).isEqualTo("notesonly");
          })
          .hasMessageContaining("RpcServer for")
          .hasMessageContaining("needs RPC")
          .hasMessageContaining(NotesOnlyProvider.class.getName())
          .hasMessageContaining("supports [NOTIFICATIONS]");
      assertThatThrownBy(() -> RpcClient.create(t, Target.topic("t")))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("RpcClient for")
          .hasMessageContaining("needs RPC");
    }
  }
}
