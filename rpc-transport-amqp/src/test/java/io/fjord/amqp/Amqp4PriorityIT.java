package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.CallOptions;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Priority calls and casts on RabbitMQ 4.x, whose quorum queues order by the AMQP {@code priority}
 * property without any declare argument ({@link CallOptions.Builder#priority}): a backlog of normal
 * requests waits in a server's quorum {@code <topic>} queue ({@code rabbit_quorum_queue=true}) while no
 * server consumes it, then high-priority casts and calls join it; a server started then takes them one at
 * a time (prefetch 1, one dispatch thread, so the order it handles them in is the order the broker
 * delivers them in). Needs the RabbitMQ 4.x test broker ({@link TestBroker#rabbit4Url()}); fails without one.
 */
@Tag("rabbitmq4")
class Amqp4PriorityIT {
  /** Normal requests queued first, ids 0 to 11. */
  private static final int NORMAL = 12;
  /** High-priority requests queued after them: two casts (ids 100, 101), then two calls (102, 103). */
  private static final List<Integer> HIGH = List.of(100, 101, 102, 103);

  private Connection raw;
  private String exchange;
  private String topic;
  private Transport transport;
  private final List<RpcServer> servers = new ArrayList<>();
  private final ExecutorService oneThread = Executors.newSingleThreadExecutor();

  /** Records the ids it is given, in the order the server dispatches them. */
  public static final class Recorder {
    final List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch all = new CountDownLatch(NORMAL + HIGH.size());

    public int take(int id) {
      order.add(id);
      all.countDown();
      return id;
    }
  }

  @BeforeEach
  void open() throws Exception {
    String broker = TestBroker.rabbit4Url();
    raw = TestBroker.rawConnection(broker);
    exchange = TestBroker.name("prio_x");
    topic = TestBroker.name("prio_t");
    String url = broker + (broker.contains("?") ? "&" : "?") + "rabbit_quorum_queue=true&rabbit_qos_prefetch_count=1";
    transport = Transport.open(TransportUrl.parse(url), TransportOptions.builder().controlExchange(exchange).build());
  }

  @AfterEach
  void deleteWhatTheTestDeclared() throws Exception {
    servers.forEach(RpcServer::close);
    oneThread.shutdownNow();
    transport.close();
    TestBroker.delete(raw, new String[] {topic, topic + ".s1"}, new String[] {exchange, topic + "_fanout"});
    raw.close();
  }

  @Test
  void highPriorityRequestsOvertakeAQueuedBacklogOnAQuorumQueue() throws Exception {
    List<Integer> order = dispatchOrder(CallOptions.HIGH_PRIORITY);
    System.out.printf("RabbitMQ %s, quorum queue: dispatch order of 12 normal requests then 4 of priority %d: %s%n",
        io.fjord.testbroker.TestBrokers.serverVersion(TestBroker.rabbit4Url()), CallOptions.HIGH_PRIORITY, order);

    assertThat(order).as("every request handled once").containsExactlyInAnyOrderElementsOf(all());
    assertThat(order.stream().filter(id -> id < 100)).as("normal requests keep their order among themselves")
        .containsExactlyElementsOf(IntStream.range(0, NORMAL).boxed().toList());
    // RabbitMQ 4.0 to 4.2 deliver two high-priority messages for every normal one while both wait (4.3: only
    // high ones until none is left), so at most 2 of the 12 normal ones come before the last high one; a queue
    // ignoring the priority would deliver all 12 first
    assertThat(order.subList(0, HIGH.size() + HIGH.size() / 2)).as("dispatch order %s", order)
        .containsAll(HIGH);
  }

  @Test
  void priorityFourIsNormalOnAQuorumQueue() throws Exception {
    List<Integer> order = dispatchOrder(CallOptions.HIGH_PRIORITY - 1);

    assertThat(order.subList(0, NORMAL)).as("dispatch order %s", order)
        .containsExactlyElementsOf(IntStream.range(0, NORMAL).boxed().toList());
    assertThat(order.subList(NORMAL, order.size())).containsExactlyInAnyOrderElementsOf(HIGH);
  }

  /**
   * Queues {@link #NORMAL} casts of priority 0, then two casts and two calls of {@code priority}, while no
   * server consumes; then starts one and returns the ids in the order it dispatched them. The calls get
   * their replies.
   */
  private List<Integer> dispatchOrder(int priority) throws Exception {
    // the server declares its queues (quorum queues, durable) and goes away: what is sent now waits there
    RpcServer first = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new Recorder()).build();
    first.start();
    first.close();

    RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(30)).build();
    for (int id = 0; id < NORMAL; id++) {
      client.cast(RequestContext.empty(), "take", Map.of("id", id)); // confirmed: queued in this order
    }
    RpcClient high = client.prepare(CallOptions.builder().priority(priority).build());
    high.cast(RequestContext.empty(), "take", Map.of("id", HIGH.get(0)));
    high.cast(RequestContext.empty(), "take", Map.of("id", HIGH.get(1)));
    CompletableFuture<Integer> call1 = high.callAsync(RequestContext.empty(), "take", Map.of("id", HIGH.get(2)),
        Integer.class);
    CompletableFuture<Integer> call2 = high.callAsync(RequestContext.empty(), "take", Map.of("id", HIGH.get(3)),
        Integer.class);
    // a call's request has no publisher confirm (its reply is its confirmation): wait until the broker has both
    awaitQueueDepth(topic, NORMAL + HIGH.size(), Duration.ofSeconds(10));

    Recorder recorder = new Recorder();
    RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(recorder)
        .executor(oneThread).build();
    servers.add(server);
    server.start();

    assertThat(recorder.all.await(30, TimeUnit.SECONDS)).as("all %d requests handled within 30 s, got %s",
        NORMAL + HIGH.size(), recorder.order).isTrue();
    assertThat(call1.get(10, TimeUnit.SECONDS)).isEqualTo(HIGH.get(2));
    assertThat(call2.get(10, TimeUnit.SECONDS)).isEqualTo(HIGH.get(3));
    synchronized (recorder.order) {
      return List.copyOf(recorder.order);
    }
  }

  private static List<Integer> all() {
    List<Integer> ids = new ArrayList<>(IntStream.range(0, NORMAL).boxed().toList());
    ids.addAll(HIGH);
    return ids;
  }

  /** Waits until {@code queue} holds {@code depth} ready messages, polling the broker until {@code within}. */
  private void awaitQueueDepth(String queue, int depth, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    int seen;
    try (Channel ch = raw.createChannel()) {
      while ((seen = ch.queueDeclarePassive(queue).getMessageCount()) < depth && System.nanoTime() - deadline < 0) {
        Thread.sleep(20); // polling the broker's count, bounded by the deadline
      }
    }
    assertThat(seen).as("messages waiting in %s after %s", queue, within).isEqualTo(depth);
  }
}
