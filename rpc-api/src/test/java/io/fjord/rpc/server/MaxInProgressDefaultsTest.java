package io.fjord.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The default limits of overload protection, and the values the builders refuse. */
class MaxInProgressDefaultsTest {

  public static final class Echo {
    public int echo(int i) {
      return i;
    }
  }

  @Test
  void theDefaultLimitIsTheExecutorsSize() {
    ExecutorService fixed = Executors.newFixedThreadPool(4);
    ExecutorService cached = Executors.newCachedThreadPool();
    ThreadPoolExecutor bounded = new ThreadPoolExecutor(2, 6, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10));
    ForkJoinPool forkJoin = new ForkJoinPool(3);
    try {
      assertThat(RpcServer.defaultMaxInProgress(fixed)).isEqualTo(4);
      assertThat(RpcServer.defaultMaxInProgress(bounded)).as("grows to its maximum when the queue fills").isEqualTo(6);
      assertThat(RpcServer.defaultMaxInProgress(cached)).as("no bound on threads").isEqualTo(Integer.MAX_VALUE);
      assertThat(RpcServer.defaultMaxInProgress(forkJoin)).isEqualTo(3);
      assertThat(RpcServer.defaultMaxInProgress(Runnable::run)).isEqualTo(Integer.MAX_VALUE);
    } finally {
      fixed.shutdown();
      cached.shutdown();
      bounded.shutdown();
      forkJoin.shutdown();
    }
  }

  @Test
  void aServerOnTheDefaultExecutorRunsAtMost64AndTheBuilderCanChangeIt() {
    try (Transport transport = Transport.open("memory://")) {
      Target target = Target.topic("limits").withServer("s");
      try (RpcServer server = RpcServer.builder(transport, target).endpoint(new Echo()).build()) {
        assertThat(server.maxInProgress()).isEqualTo(RpcServer.DEFAULT_MAX_IN_PROGRESS).isEqualTo(64);
        assertThat(server.inProgress()).isZero();
        assertThat(server.waiting()).isZero();
      }
      try (RpcServer server = RpcServer.builder(transport, target).endpoint(new Echo()).maxInProgress(3).build()) {
        assertThat(server.maxInProgress()).isEqualTo(3);
      }
      assertThatThrownBy(() -> RpcServer.builder(transport, target).maxInProgress(0))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("maxInProgress must be at least 1, got 0");
      assertThatThrownBy(() -> RpcClient.builder(transport, Target.topic("limits")).maxInFlight(0))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("maxInFlight must be at least 1, got 0");
      assertThat(RpcClient.create(transport, Target.topic("limits")).maxInFlight())
          .as("no client limit by default").isEqualTo(Integer.MAX_VALUE);
    }
  }
}
