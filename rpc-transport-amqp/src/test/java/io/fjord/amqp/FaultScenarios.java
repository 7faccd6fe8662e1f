package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fjord.rpc.MessagingException;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.ReplyPathLostException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.CallOptions;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Broker-fault scenarios that run on a {@link RabbitNode} of either RabbitMQ version, with the URL
 * options a test chooses: a confirmed backlog surviving a restart, calls ending on time while the
 * broker is down and working again once it is back, and an in-flight call failing fast when its
 * reply connection breaks. Each uses a fresh topic on the test's own node, whose files go with it.
 */
final class FaultScenarios {
  /** Options that make a broker outage short for the client: fast heartbeats and reconnects. */
  static final String FAST_RECOVERY = "heartbeat=2&recovery_interval=0.3&connection_timeout=2";

  private FaultScenarios() {
  }

  /** Records the ids it is cast. */
  public static final class Sink {
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    final AtomicInteger deliveries = new AtomicInteger();

    public void take(int id) {
      deliveries.incrementAndGet();
      seen.add(id);
    }

    public String ping() {
      return "pong";
    }
  }

  /** Endpoint with a fast and a slow method. */
  public static final class Service {
    final CountDownLatch slowStarted = new CountDownLatch(1);

    public String ping() {
      return "pong";
    }

    public String slow(long millis) throws InterruptedException {
      slowStarted.countDown();
      Thread.sleep(millis); // the endpoint's work, interrupted when the server stops
      return "done";
    }
  }

  /** The option sets the 4.x fault tests run with: Fjord's defaults and Kolla-Ansible's oslo options. */
  static Stream<Named<String>> rabbit4Options() {
    return Stream.of(Named.of("default options", ""), Named.of("Kolla's options", BrokerProfile.KOLLA_OPTIONS));
  }

  /** {@code node}'s URL with {@code options} (may be empty) and {@link #FAST_RECOVERY}. */
  static String url(RabbitNode node, String options) {
    return node.url(options.isEmpty() ? FAST_RECOVERY : options + "&" + FAST_RECOVERY);
  }

  /** Retries {@code action} while it throws a {@link MessagingException}, until {@code within} has passed. */
  static <T> T eventually(Duration within, Callable<T> action) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return action.call();
      } catch (MessagingException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(200); // the next attempt, bounded by the deadline
      }
    }
  }

  /**
   * 500 confirmed casts wait in a server's queue while the broker stops and starts again; a server
   * started afterwards gets every one of them.
   */
  static void confirmedBacklogSurvivesARestart(RabbitNode node, String options) throws Exception {
    String topic = TestBroker.name("dur_t");
    String url = url(node, options);
    int n = 500;
    TransportOptions transportOptions = TransportOptions.builder().controlExchange(TestBroker.name("dur_x")).build();
    try (Transport transport = Transport.open(TransportUrl.parse(url), transportOptions)) {
      // the server declares the queues, then goes away: the casts wait in the queue
      RpcServer first = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new Sink()).build();
      first.start();
      first.close();
      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();
      List<CompletableFuture<Void>> casts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        casts.add(client.castAsync(RequestContext.empty(), "take", Map.of("id", i)));
      }
      CompletableFuture.allOf(casts.toArray(new CompletableFuture<?>[0])).get();
    }

    node.stop();
    node.launch();

    Sink sink = new Sink();
    try (Transport transport = eventually(Duration.ofSeconds(30),
        () -> Transport.open(TransportUrl.parse(url), transportOptions))) {
      RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(sink).build().start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (sink.seen.size() < n && System.nanoTime() - deadline < 0) {
        Thread.sleep(50); // polling the endpoint's record, bounded by the deadline
      }
      assertThat(sink.seen).as("confirmed casts after the restart (%s, %s)", node.label(), options).hasSize(n);
      System.out.printf("%s, options '%s': %d of %d confirmed casts delivered after a broker restart, %d deliveries%n",
          node.label(), options, sink.seen.size(), n, sink.deliveries.get());
    }
  }

  /**
   * With the broker stopped, calls end within their timeout and casts fail with a typed error; once
   * it is back, the transport reconnects by itself and calls, also to a specific server, work again.
   */
  static void callsEndOnTimeWhileTheBrokerIsDownAndWorkAgainAfterARestart(RabbitNode node, String options)
      throws Exception {
    String topic = TestBroker.name("rec_t");
    try (Transport transport = Transport.open(url(node, options))) {
      RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new Service()).build();
      server.start();
      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(2)).build();
      assertThat(client.call(null, "ping", Map.of(), String.class)).isEqualTo("pong");

      node.stop();
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        Throwable t = catchThrowable(() -> client.call(null, "ping", Map.of(), String.class));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(t).isInstanceOfAny(TransportException.class, MessagingTimeoutException.class);
        assertThat(ms).as("call %d took %d ms with the broker down (timeout 2 s)", i, ms).isLessThan(3000);
      }
      Throwable cast = catchThrowable(() -> client.cast(null, "ping", Map.of()));
      assertThat(cast).isInstanceOf(TransportException.class);

      long back = System.nanoTime();
      node.launch();
      // the transport reconnects by itself, and the server re-declares what the restart lost
      String answer = eventually(Duration.ofSeconds(30), () -> client.call(null, "ping", Map.of(), String.class));
      assertThat(answer).isEqualTo("pong");
      assertThat(client.prepare("s1", false).call(null, "ping", Map.of(), String.class)).isEqualTo("pong");
      System.out.printf("%s, options '%s': calls work again %d ms after the broker was started again%n", node.label(),
          options, (System.nanoTime() - back) / 1_000_000);
      server.close();
    }
  }

  /**
   * A call in flight when its reply connection breaks fails within 5 s with {@link
   * ReplyPathLostException}, not at its 30 s timeout; once the connection is back, calls work again.
   * The connection breaks by a crash of the broker (kill -9), or, when reply queues are quorum queues
   * ({@code rabbit_transient_quorum_queue}), by the broker closing every connection: RabbitMQ 4.0.5 can
   * leave a quorum queue declared seconds before a crash unable to deliver after the restart
   * ("configured member ... was not found on this node. Starting member as a new one",
   * rabbitmq-server#15725), and a channel publishing to it stalls; Fjord then moves its reply queue
   * (see Subscription#giveUpWhenStuck), but a server's stalled channel is the broker's to fix.
   */
  static void inFlightCallFailsFastWhenItsReplyConnectionBreaks(RabbitNode node, String options) throws Exception {
    String topic = TestBroker.name("rec_t");
    Service service = new Service();
    boolean quorumReplies = options.contains("rabbit_transient_quorum_queue=true");
    try (Transport serverTransport = Transport.open(url(node, options));
         Transport clientTransport = Transport.open(url(node, options))) {
      RpcServer server = RpcServer.builder(serverTransport, Target.topic(topic).withServer("s1")).endpoint(service).build();
      server.start();
      RpcClient client = RpcClient.builder(clientTransport, Target.topic(topic)).timeout(Duration.ofSeconds(30)).build();
      CompletableFuture<String> call = client.callAsync(null, "slow", Map.of("millis", 20_000), String.class);
      assertThat(service.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      if (quorumReplies) {
        node.ctl("close_all_connections", "fjord fault test");
      } else {
        node.kill();
      }
      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ReplyPathLostException.class)
          .hasMessageContaining("reply path of call 'slow'");
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the call failed").isLessThan(5000);
      if (!quorumReplies) {
        node.launch();
      }
      String answer = eventually(Duration.ofSeconds(30), () -> client.prepare(CallOptions.builder()
          .timeout(Duration.ofSeconds(2)).build()).call(null, "ping", Map.of(), String.class));
      assertThat(answer).isEqualTo("pong");
      server.stop();
    }
  }

  /** Records the order of fanout casts it receives. */
  public static final class Fanouts {
    final java.util.List<Integer> received = java.util.Collections.synchronizedList(new ArrayList<>());

    public void take(int id) {
      received.add(id);
    }
  }

  /**
   * With {@code rabbit_stream_fanout}, fanout casts published while a server's connections are down
   * are in the stream; the server, once reconnected, consumes from the offset after the last message
   * it saw: it gets each of them, and none it had already seen (with exclusive fanout queues, the
   * default, they would be lost, as in oslo).
   */
  static void fanoutCastsSentWhileAServerIsDisconnectedReachItFromTheStream(RabbitNode node, String options)
      throws Exception {
    String topic = TestBroker.name("stream_t");
    String serverName = TestBroker.name("stream-srv");
    Fanouts fanouts = new Fanouts();
    TransportOptions serverOptions = TransportOptions.builder().connectionName(serverName).build();
    // the server stays away 5 s after losing its connections: the casts below land in that gap
    String serverUrl = node.url(options + "&heartbeat=2&recovery_interval=5&connection_timeout=2");
    try (Transport serverTransport = Transport.open(TransportUrl.parse(serverUrl), serverOptions);
         Transport casterTransport = Transport.open(url(node, options))) {
      RpcServer server = RpcServer.builder(serverTransport, Target.topic(topic).withServer("s1")).endpoint(fanouts)
          .build();
      server.start();
      RpcClient all = RpcClient.create(casterTransport, Target.topic(topic)).prepare(null, true);
      all.cast(null, "take", Map.of("id", 1));
      awaitReceived(fanouts, 1);

      // the broker closes the server's two connections (named in their client properties); the caster's stay up
      for (String line : node.ctl("list_connections", "pid", "client_properties").split("\n")) {
        if (line.contains(serverName)) {
          node.ctl("close_connection", line.trim().split("\\s+")[0], "fjord fault test");
        }
      }
      for (int id = 2; id <= 4; id++) {
        all.cast(null, "take", Map.of("id", id)); // confirmed: in the stream
      }
      assertThat(fanouts.received).as("nothing delivered while the server is disconnected").containsExactly(1);
      awaitReceived(fanouts, 4);
      // a pool of threads dispatches them: any order, but each once
      assertThat(fanouts.received).as("fanout casts, none twice").containsExactlyInAnyOrder(1, 2, 3, 4);
      server.stop();
    } finally {
      try (var raw = TestBroker.rawConnection(node.url(""))) {
        TestBroker.delete(raw, new String[] {topic, topic + ".s1", topic + "_fanout"}, new String[] {topic + "_fanout"});
      }
    }
  }

  private static void awaitReceived(Fanouts fanouts, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (fanouts.received.size() < count && System.nanoTime() - deadline < 0) {
      Thread.sleep(20); // polling the endpoint's record, bounded by the deadline
    }
    assertThat(fanouts.received).as("fanout casts received").hasSizeGreaterThanOrEqualTo(count);
  }
}
