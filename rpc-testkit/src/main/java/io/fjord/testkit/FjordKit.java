package io.fjord.testkit;

import com.rabbitmq.client.Connection;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.Priority;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.server.RpcServer;
import io.fjord.rpc.server.ServerInterceptor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test's view of Fjord, given by {@link FjordTest}: its transport, its own names, and cleanup
 * of what it declared. Topics and pools made with {@link #topic} and {@link #pool} carry a prefix
 * unique to the test, and every transport uses the test's own control exchange, so tests never see
 * each other's messages. After the test, servers, listeners and transports opened here are closed,
 * then the test's queues (the topics' shared, per-server and notification queues, the pools) and
 * exchanges (the control exchange, the topics' fanout exchanges) are deleted from the broker.
 *
 * <p>Not thread-safe: use it from the test's thread.
 */
public final class FjordKit implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FjordKit.class);

  private final String url;
  private final String id;
  private final String exchange;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final Map<String, String> topics = new LinkedHashMap<>();
  private final Set<String> queues = new LinkedHashSet<>();
  private Transport transport;
  private boolean closed;

  FjordKit(String url) {
    this.url = url;
    this.id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    this.exchange = "fjt_" + id;
  }

  /** The transport URL the test runs on ({@code rabbit://...} or {@code memory://}). */
  public String url() {
    return url;
  }

  /** True when the test runs on the in-process {@code memory://} transport (no broker was found). */
  public boolean isMemory() {
    return url.startsWith("memory:");
  }

  /** This test's control exchange. */
  public String exchange() {
    return exchange;
  }

  /** The test's transport, opened on first use and closed after the test. */
  public Transport transport() {
    if (transport == null) {
      transport = openTransport();
    }
    return transport;
  }

  /** Another transport on the same broker and exchange, closed after the test (a second "process"). */
  public Transport openTransport() {
    return closeAfterTest(Transport.open(TransportUrl.parse(url),
        TransportOptions.builder().controlExchange(exchange).closeTimeout(Duration.ofSeconds(5)).build()));
  }

  /** This test's name for topic {@code base}: the same for the same base within a test, unique across tests. */
  public String topic(String base) {
    return topics.computeIfAbsent(base, b -> b + "_" + id);
  }

  /** A notification pool name unique to this test; its queue is deleted after the test. */
  public String pool(String base) {
    String name = base + "_" + id;
    queues.add(name);
    return name;
  }

  /**
   * Builds and starts a server on {@code topic} (a name from {@link #topic}) as {@code server}, closed
   * after the test. Each of {@code parts} is an endpoint, or a {@link ServerInterceptor} (for example a
   * {@link CallRecorder}) added in order.
   */
  public RpcServer startServer(String topic, String server, Object... parts) {
    RpcServer.Builder b = RpcServer.builder(transport(), Target.topic(topic).withServer(server));
    for (Object p : parts) {
      if (p instanceof ServerInterceptor i) {
        b.interceptor(i);
      } else {
        b.endpoint(p);
      }
    }
    queues.add(topic + "." + server);
    RpcServer s = closeAfterTest(b.build());
    s.start();
    return s;
  }

  /** Starts a notification listener on {@code topic} delivering to {@code endpoint} (e.g. a {@link NotificationRecorder}). */
  public NotificationListener listen(String topic, Object endpoint) {
    NotificationListener l = closeAfterTest(NotificationListener.builder(transport()).target(Target.topic(topic))
        .endpoint(endpoint).build());
    l.start();
    return l;
  }

  /** Closes {@code resource} after the test, before anything opened earlier. */
  public <T extends AutoCloseable> T closeAfterTest(T resource) {
    opened.push(resource);
    return resource;
  }

  /** Closes what the test opened and deletes what it declared; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!opened.isEmpty()) {
      AutoCloseable c = opened.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("Closing {} after the test", c, e);
      }
    }
    if (!isMemory()) {
      deleteDeclared();
    }
  }

  private void deleteDeclared() {
    Set<String> q = new LinkedHashSet<>(queues);
    Set<String> x = new LinkedHashSet<>();
    x.add(exchange);
    for (String t : topics.values()) {
      q.add(t);
      for (Priority p : Priority.values()) {
        q.add(t + "." + p.routingName());
      }
      x.add(t + "_fanout");
    }
    try (Connection c = rawConnection()) {
      io.fjord.testbroker.TestBrokers.delete(c, q, x);
    } catch (Exception e) {
      log.warn("Could not delete the queues and exchanges of a test on {}: {}", TransportUrl.parse(url), e.toString());
    }
  }

  /** A raw amqp-client connection to the test broker, for asserting broker state; the caller closes it. */
  public Connection rawConnection() throws Exception {
    if (isMemory()) {
      throw new IllegalStateException("No broker: this test runs on memory://");
    }
    return io.fjord.testbroker.TestBrokers.rawConnection(url, "fjord-testkit");
  }

  @Override
  public String toString() {
    return "FjordKit{" + TransportUrl.parse(url) + ", exchange=" + exchange + "}";
  }
}
