package io.fjord.interop;

import com.rabbitmq.client.Connection;
import io.fjord.amqp.TestBroker;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an interop test class starts and declares, released in the scope it was created in: Python
 * peers, Java transports/servers/listeners and broker queues and exchanges made in {@code @BeforeAll}
 * go at the end of the class, those made in a test (or {@code @BeforeEach}) after that test. Peers
 * stop first (in parallel), then Java objects (newest first), then the broker objects are deleted,
 * including every queue a peer reported declaring.
 *
 * <p>Register as {@code @RegisterExtension static final InteropFixture fixture = new InteropFixture();}.
 * Before the class runs it checks the broker and {@code /usr/bin/python3 -c "import oslo_messaging"}
 * and fails, naming what to install, when either is missing.
 */
final class InteropFixture implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  /** How long a peer may take to stop its oslo servers before it is killed. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private static final class Scope {
    final List<OsloPeer> peers = new ArrayList<>();
    final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    final Set<String> queues = new LinkedHashSet<>();
    final Set<String> exchanges = new LinkedHashSet<>();
  }

  private final Scope classScope = new Scope();
  private final Scope testScope = new Scope();
  private volatile Scope current = classScope;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    TestBroker.url(); // fails with the three ways to get a broker when there is none
    OsloPeer.requireOsloMessaging();
    current = classScope;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    current = testScope;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    release(testScope);
    current = classScope;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    release(classScope);
  }

  /** The broker URL peers and transports use. */
  String url() {
    return TestBroker.url();
  }

  /** A fresh name with {@code prefix}, unique per call. */
  String name(String prefix) {
    return TestBroker.name(prefix);
  }

  /** Starts a peer and waits for its ready line; it is stopped at the end of the current scope. */
  OsloPeer startPeer(String script, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--url", url()));
    all.addAll(List.of(args));
    OsloPeer peer = OsloPeer.start(script, all);
    synchronized (this) {
      current.peers.add(peer);
    }
    peer.awaitReady();
    return peer;
  }

  /** A Fjord transport on the test broker with {@code controlExchange}, closed at the end of the scope. */
  Transport transport(String controlExchange) {
    Transport t = Transport.open(TransportUrl.parse(url()),
        TransportOptions.builder().controlExchange(controlExchange).connectionName("fjord-interop").build());
    return closeLater(t);
  }

  /** Closes {@code c} at the end of the current scope (newest first). */
  synchronized <T extends AutoCloseable> T closeLater(T c) {
    current.closeables.push(c);
    return c;
  }

  /** Deletes these queues at the end of the current scope. */
  synchronized void deleteQueues(String... names) {
    current.queues.addAll(List.of(names));
  }

  /** Deletes these exchanges at the end of the current scope. */
  synchronized void deleteExchanges(String... names) {
    current.exchanges.addAll(List.of(names));
  }

  private void release(Scope scope) throws Exception {
    List<OsloPeer> peers;
    synchronized (this) {
      peers = new ArrayList<>(scope.peers);
      scope.peers.clear();
    }
    Throwable failure = null;
    // stop every peer at once: each takes ~2 s to stop its oslo poll loops
    peers.forEach(OsloPeer::requestStop);
    for (OsloPeer p : peers) {
      try {
        p.close(STOP_GRACE);
      } catch (Exception e) {
        failure = e;
      }
      scope.queues.addAll(p.declaredQueues());
    }
    while (!scope.closeables.isEmpty()) {
      try {
        scope.closeables.pop().close();
      } catch (Exception e) {
        failure = failure == null ? e : failure;
      }
    }
    if (!scope.queues.isEmpty() || !scope.exchanges.isEmpty()) {
      try (Connection raw = TestBroker.rawConnection()) {
        TestBroker.delete(raw, scope.queues.toArray(String[]::new), scope.exchanges.toArray(String[]::new));
      }
      scope.queues.clear();
      scope.exchanges.clear();
    }
    if (failure instanceof Exception e) {
      throw e;
    }
  }
}
