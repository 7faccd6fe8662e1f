package io.fjord.interop;

import com.rabbitmq.client.Connection;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.testbroker.TestBrokers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an interop test class starts and declares in its {@link OsloSetup}, released in the scope it
 * was created in: Python peers, Java transports/servers/listeners and broker queues and exchanges
 * made in {@code @BeforeAll} go at the end of the class, those made in a test (or
 * {@code @BeforeEach}) after that test. Peers stop first (in parallel), then Java objects (newest
 * first), then the broker objects are deleted, including every queue a peer reported declaring. On
 * the local RabbitMQ 4.x node the class ends with a {@link BrokerSweep} of every name the class made
 * with {@link #name} or consumed by its connections, recorded before the peers stop (the record of
 * what was declared); then the oslo runtime removes its files.
 *
 * <p>Register in each concrete class as
 * {@code @RegisterExtension static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.X);}.
 * Before the class runs it checks the broker and the runtime's oslo.messaging and fails, naming what
 * to install or start, when either is missing. Each oslo peer and Fjord transport is one "process"
 * with its own processname (and the class's hostname) where the setup uses oslo's queue manager.
 */
final class InteropFixture implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  /** How long a peer may take to stop its oslo servers before it is killed. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final AtomicInteger TRANSPORTS = new AtomicInteger();

  private static final class Scope {
    final List<OsloPeer> peers = new ArrayList<>();
    final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    final Set<String> queues = new LinkedHashSet<>();
    final Set<String> exchanges = new LinkedHashSet<>();
  }

  private final OsloSetup setup;
  private final Scope classScope = new Scope();
  private final Scope testScope = new Scope();
  /** Every name {@link #name} made for the class: what the sweep deletes. */
  private final Set<String> tokens = new LinkedHashSet<>();
  private volatile Scope current = classScope;
  private volatile OsloRuntime runtime;
  private volatile String hostname;
  private volatile String label;

  private InteropFixture(OsloSetup setup) {
    this.setup = setup;
  }

  /** A fixture for a test class running in {@code setup}. */
  static InteropFixture on(OsloSetup setup) {
    return new InteropFixture(setup);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    label = context.getRequiredTestClass().getSimpleName();
    setup.brokerUrl(); // fails with the ways to get the broker when there is none
    OsloRuntime r = setup.newRuntime();
    try {
      r.require();
    } catch (Exception | Error e) {
      r.close();
      throw e;
    }
    runtime = r;
    hostname = name("fjhost");
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
    // while everything still runs: the class's queues, including those only its consumers know
    BrokerSweep.Snapshot leftovers = null;
    Exception sweepFailure = null;
    if (runtime != null && setup.sweepable()) {
      try {
        leftovers = snapshot();
      } catch (Exception e) {
        sweepFailure = e; // the peers and transports still stop
      }
    }
    try {
      release(classScope);
      if (leftovers != null) {
        BrokerSweep.delete(setup.brokerUrl(), leftovers);
      }
    } finally {
      OsloRuntime r = runtime;
      runtime = null;
      if (r != null) {
        if (hostname != null) {
          r.forgetQueueManagerState(hostname);
        }
        r.close();
      }
    }
    if (sweepFailure != null) {
      throw sweepFailure;
    }
  }

  private BrokerSweep.Snapshot snapshot() throws Exception {
    List<String> names;
    List<String> connections = new ArrayList<>();
    synchronized (this) {
      names = List.copyOf(tokens);
      classScope.peers.forEach(p -> connections.add(p.osloConnectionName()));
    }
    connections.add(connectionName());
    return BrokerSweep.take(setup.brokerUrl(), label, names, connections);
  }

  /** The connection name of this class's Fjord transports (the driver adds {@code :publish}/{@code :consume}). */
  private String connectionName() {
    return "fjord-interop-" + hostname;
  }

  /** Where this class runs. */
  OsloSetup setup() {
    return setup;
  }

  /** A fresh name with {@code prefix}, unique per call; the broker objects named after it are swept. */
  String name(String prefix) {
    String n = TestBrokers.name(prefix);
    synchronized (this) {
      tokens.add(n);
    }
    return n;
  }

  /** Starts a peer and waits for its ready line; it is stopped at the end of the current scope. */
  OsloPeer startPeer(String script, String... args) throws Exception {
    String peerName = OsloPeer.nextName(script);
    List<String> all = new ArrayList<>(List.of("--url", setup.url(hostname, peerName)));
    all.addAll(List.of(args));
    OsloPeer peer = OsloPeer.start(runtime, peerName, script, all);
    synchronized (this) {
      current.peers.add(peer);
    }
    peer.awaitReady();
    return peer;
  }

  /**
   * A Fjord transport on the test broker with this setup's options and {@code controlExchange},
   * closed at the end of the scope.
   */
  Transport transport(String controlExchange) {
    String processname = "fjord-" + TRANSPORTS.incrementAndGet();
    Transport t = Transport.open(TransportUrl.parse(setup.url(hostname, processname)),
        TransportOptions.builder().controlExchange(controlExchange).connectionName(connectionName()).build());
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
      } catch (Exception | AssertionError e) {
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
      try (Connection raw = TestBrokers.rawConnection(setup.brokerUrl(), "fjord-interop-cleanup")) {
        TestBrokers.delete(raw, List.copyOf(scope.queues), List.copyOf(scope.exchanges));
      }
      scope.queues.clear();
      scope.exchanges.clear();
    }
    if (failure instanceof Exception e) {
      throw e;
    } else if (failure instanceof Error e) {
      throw e;
    }
  }
}
