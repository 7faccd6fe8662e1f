package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A three-node cluster of the test's own with the quorum profile: the quorum queue's leader is killed
 * (SIGKILL) in the middle of 10,000 confirmed casts; no confirmed cast is lost.
 */
@org.junit.jupiter.api.Tag("fault")
class AmqpClusterIT {
  private static List<RabbitNode> nodes;

  /** Counts deliveries per cast id. */
  public static final class Sink {
    final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();

    public void take(int id) {
      seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  @BeforeAll
  static void startCluster() throws Exception {
    nodes = RabbitNode.startCluster(3);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (nodes != null) {
      for (RabbitNode n : nodes) {
        n.close();
      }
    }
  }

  private static String url(List<RabbitNode> order) {
    StringBuilder url = new StringBuilder("rabbit://");
    for (int i = 0; i < order.size(); i++) {
      url.append(i == 0 ? "" : ",").append("guest:guest@127.0.0.1:").append(order.get(i).port());
    }
    return url.append("/?quorum=true&heartbeat=2&recovery_interval=0.2&connection_timeout=2").toString();
  }

  @Test
  void killingTheQuorumLeaderLosesNoConfirmedCast() throws Exception {
    String topic = TestBroker.name("cl_t");
    String url = url(nodes);
    TransportOptions options = TransportOptions.builder().controlExchange(TestBroker.name("cl_x"))
        .closeTimeout(Duration.ofSeconds(3)).build();
    int total = 10_000;
    int window = 200;
    Sink sink = new Sink();
    try (Transport serverTransport = Transport.open(TransportUrl.parse(url), options)) {
      RpcServer.builder(serverTransport, Target.topic(topic).withServer("s1")).endpoint(sink).build().start();
      String leader = nodes.get(1).ctl("list_queues", "-q", "--no-table-headers", "name", "leader").lines()
          .filter(l -> l.startsWith(topic + "\t")).map(l -> l.substring(l.indexOf('\t') + 1).trim()).findFirst()
          .orElseThrow(() -> new AssertionError("no leader listed for " + topic));
      RabbitNode victim = nodes.stream().filter(n -> n.nodeName().equals(leader)).findFirst().orElseThrow();
      // the client talks to the leader first: killing it also breaks the client's connection
      List<RabbitNode> leaderFirst = new ArrayList<>(nodes);
      leaderFirst.remove(victim);
      leaderFirst.add(0, victim);
      Transport clientTransport = Transport.open(TransportUrl.parse(url(leaderFirst)), options);
      RpcClient client = RpcClient.builder(clientTransport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();

      Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
      Semaphore slots = new Semaphore(window);
      AtomicLong lastConfirm = new AtomicLong(System.nanoTime());
      AtomicLong longestGapMs = new AtomicLong();
      List<Integer> pending = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        pending.add(i);
      }
      boolean killed = false;
      int sent = 0;
      long giveUp = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      java.util.concurrent.atomic.AtomicReference<Throwable> lastError = new java.util.concurrent.atomic.AtomicReference<>();
      while (!pending.isEmpty()) {
        assertThat(System.nanoTime() - giveUp).as("all %d casts confirmed within 120 s; %d still unconfirmed, last error %s",
            total, pending.size(), lastError.get()).isNegative();
        Set<Integer> failed = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> round = new ArrayList<>();
        for (int id : pending) {
          if (!killed && sent++ == total / 3) {
            victim.kill();
            killed = true;
          }
          assertThat(slots.tryAcquire(30, TimeUnit.SECONDS)).as("a confirm window slot").isTrue();
          CompletableFuture<Void> f;
          try {
            f = client.castAsync(RequestContext.empty(), "take", Map.of("id", id));
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          round.add(f.whenComplete((ok, e) -> {
            if (e == null) {
              confirmed.add(id);
              long now = System.nanoTime();
              long gap = (now - lastConfirm.getAndSet(now)) / 1_000_000;
              longestGapMs.accumulateAndGet(gap, Math::max);
            } else {
              failed.add(id);
              lastError.set(e);
            }
            slots.release();
          }));
        }
        CompletableFuture.allOf(round.stream().map(c -> c.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);
        pending = new ArrayList<>(failed); // an application re-sends what was not confirmed
        if (!pending.isEmpty()) {
          // ... after a pause, as an application would: re-sending thousands at once while the quorum
          // queue elects its new leader only collects more nacks
          Thread.sleep(500);
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!sink.seen.keySet().containsAll(confirmed) && System.nanoTime() - deadline < 0) {
        Thread.sleep(100);
      }
      Set<Integer> lost = new java.util.HashSet<>(confirmed);
      lost.removeAll(sink.seen.keySet());
      long duplicates = sink.seen.values().stream().mapToInt(AtomicInteger::get).filter(c -> c > 1).count();
      System.out.printf("cluster: leader %s killed after %d casts; %d confirmed, %d lost, %d delivered twice, "
          + "longest gap between confirms %d ms%n", leader, total / 3, confirmed.size(), lost.size(), duplicates,
          longestGapMs.get());
      clientTransport.close();
      assertThat(confirmed).hasSize(total);
      assertThat(longestGapMs.get()).as("ms without a confirm while the client reconnected").isLessThanOrEqualTo(2000);
      assertThat(lost).as("confirmed casts never delivered").isEmpty();
      assertThat(duplicates).as("duplicates, bounded by the confirm window").isLessThanOrEqualTo(window);
    }
  }
}
