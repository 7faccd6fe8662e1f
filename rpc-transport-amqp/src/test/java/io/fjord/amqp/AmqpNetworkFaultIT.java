package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.fjord.rpc.MessagingException;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.ReplyPathLostException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Network faults between a client and the broker, through an in-JVM TCP proxy: connections cut with
 * calls in flight, and a black hole detected by AMQP heartbeats with failover to the next host.
 */
@org.junit.jupiter.api.Tag("fault")
class AmqpNetworkFaultIT {

  /** Slow and fast methods; counts casts. */
  public static final class Service {
    final AtomicLong casts = new AtomicLong();

    public String ping() {
      return "pong";
    }

    public String slow(long millis) throws InterruptedException {
      Thread.sleep(millis);
      return "done";
    }

    public void record(int i) {
      casts.incrementAndGet();
    }
  }

  private Connection raw;
  private String exchange;
  private String topic;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    raw = TestBroker.rawConnection();
    exchange = TestBroker.name("net_x");
    topic = TestBroker.name("net_t");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    TestBroker.delete(raw, new String[] {topic, topic + ".s1"}, new String[] {exchange, topic + "_fanout"});
    raw.close();
  }

  private <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  private TransportUrl.Host broker() {
    return TransportUrl.parse(TestBroker.url()).hosts().get(0);
  }

  private Transport open(String url) {
    return track(Transport.open(TransportUrl.parse(url), TransportOptions.builder().controlExchange(exchange)
        .closeTimeout(Duration.ofSeconds(2)).build()));
  }

  private String viaProxy(TcpProxy... proxies) {
    StringBuilder sb = new StringBuilder("rabbit://");
    TransportUrl.Host b = broker();
    for (int i = 0; i < proxies.length; i++) {
      sb.append(i == 0 ? "" : ",").append(b.username() == null ? "guest" : b.username()).append(':')
          .append(b.password() == null ? "guest" : b.password()).append("@127.0.0.1:").append(proxies[i].port());
    }
    return sb.append("/?heartbeat=2&recovery_interval=0.2&connection_timeout=2").toString();
  }

  private RpcServer startServer() {
    RpcServer server = RpcServer.builder(open(TestBroker.url()), Target.topic(topic).withServer("s1"))
        .endpoint(new Service()).build();
    server.start();
    return track(server);
  }

  @Test
  void cutConnectionFailsInFlightCallsFastAndLaterCallsSucceed() throws Exception {
    startServer();
    TcpProxy proxy = track(new TcpProxy(broker().hostname(), broker().portOr(5672)));
    RpcClient client = RpcClient.builder(open(viaProxy(proxy)), Target.topic(topic)).timeout(Duration.ofSeconds(20))
        .build();
    assertThat(client.call(RequestContext.empty(), "ping", Map.of(), String.class)).isEqualTo("pong");
    List<CompletableFuture<String>> inFlight = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      inFlight.add(client.callAsync(RequestContext.empty(), "slow", Map.of("millis", 3000), String.class));
    }
    long cutAt = System.nanoTime();
    proxy.cut();
    int failedFast = 0;
    int succeeded = 0;
    for (CompletableFuture<String> f : inFlight) {
      try {
        assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo("done");
        succeeded++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(ReplyPathLostException.class);
        failedFast++;
      }
    }
    long ms = (System.nanoTime() - cutAt) / 1_000_000;
    assertThat(failedFast + succeeded).isEqualTo(10);
    assertThat(ms).as("every in-flight call ended well before its 20 s timeout").isLessThan(8000);
    // calls started after the reconnection succeed
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String answer = null;
    while (answer == null) {
      try {
        answer = client.prepare(io.fjord.rpc.client.CallOptions.builder().timeout(Duration.ofSeconds(2)).build())
            .call(RequestContext.empty(), "ping", Map.of(), String.class);
      } catch (MessagingException e) {
        assertThat(System.nanoTime() - deadline).as("reconnected within 20 s").isNegative();
      }
    }
    assertThat(answer).isEqualTo("pong");
  }

  @Test
  void blackHoleIsDetectedByHeartbeatsAndTheClientFailsOverToTheNextHost() throws Exception {
    Service service = new Service();
    RpcServer server = RpcServer.builder(open(TestBroker.url()), Target.topic(topic).withServer("s1"))
        .endpoint(service).build();
    server.start();
    track(server);
    TcpProxy first = track(new TcpProxy(broker().hostname(), broker().portOr(5672)));
    TcpProxy second = track(new TcpProxy(broker().hostname(), broker().portOr(5672)));
    RpcClient client = RpcClient.builder(open(viaProxy(first, second)), Target.topic(topic))
        .timeout(Duration.ofSeconds(2)).build();
    assertThat(client.call(RequestContext.empty(), "ping", Map.of(), String.class)).isEqualTo("pong");
    int confirmed = 0;
    for (int i = 0; i < 200; i++) {
      client.cast(RequestContext.empty(), "record", Map.of("i", i));
      confirmed++;
    }
    first.pause();
    long start = System.nanoTime();
    String answer = null;
    int failures = 0;
    while (answer == null) {
      try {
        answer = client.call(RequestContext.empty(), "ping", Map.of(), String.class);
      } catch (MessagingTimeoutException | io.fjord.rpc.TransportException e) {
        if (failures++ < 3) {
          System.out.println("during failover: " + e);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("failed over within 20 s").isLessThan(20_000);
      }
    }
    long failoverMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(answer).isEqualTo("pong");
    assertThat(second.openSockets()).as("the client now talks through the second host").isPositive();
    // every cast the broker confirmed before the black hole reached the server
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (service.casts.get() < confirmed && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    assertThat(service.casts.get()).isEqualTo(confirmed);
    System.out.printf("black hole: failed over in %d ms after %d failed calls (heartbeat 2 s)%n", failoverMs, failures);
    first.resume();
  }
}
