package io.fjord.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.fjord.rpc.BrokerInfo;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A driver's two connections to the broker, as oslo keeps sending apart from listening: one publishes (so
 * broker flow control on publishers never stalls consumers), the other carries every consumer. Opens both,
 * asks the broker what it is and whether it refuses transient non-exclusive queues (which decides the
 * {@link Topology}), follows the broker's blocking of publishers, tells the driver when a connection is
 * lost or recovered ({@link Events}), and owns the driver's I/O threads and timer.
 *
 * <p>amqp-client recovers both connections itself, trying the URL's hosts as
 * {@link ConnectionFactories.Failover} orders them. {@link #close} is bounded by the transport's close
 * timeout, whatever the broker does. Thread-safe.
 */
final class Connections {
  private static final Logger log = LoggerFactory.getLogger(Connections.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  /** Opens a connection: amqp-client's factory, or a test's stand-in. */
  @FunctionalInterface
  interface Connector {
    Connection connect(ConnectionFactory factory, AddressResolver hosts, String name) throws IOException, TimeoutException;
  }

  /** What the driver does when a connection's state changes. Called on amqp-client's threads; must not block. */
  interface Events {
    /** The publishing connection is recovering, or has recovered: what publishing declared is to be declared again. */
    void publishingReset();

    /** The broker or the network closed the consuming connection; amqp-client reconnects it. */
    void consumingLost(ShutdownSignalException cause);

    /** The consuming connection has recovered: its consumers are to subscribe again. */
    void consumingRecovered();
  }

  private final TransportUrl url;
  private final AmqpSettings settings;
  private final Duration closeTimeout;
  private final ExecutorService io;
  private final ScheduledExecutorService timer;
  private final Connection publishConnection;
  private final Connection consumeConnection;
  private final ConnectionFactories.Failover publishHosts;
  private final ConnectionFactories.Failover consumeHosts;
  private final BrokerInfo broker;
  private final Topology topology;
  private volatile boolean blocked;
  private volatile String blockedReason;
  private volatile boolean closed;

  /**
   * Connects, or fails with the {@link IllegalArgumentException} of an option the broker refuses or the
   * translated connection failure, leaving nothing open.
   */
  Connections(TransportUrl url, AmqpSettings settings, TransportOptions options, Connector connector) {
    this.url = url;
    this.settings = settings;
    this.closeTimeout = options.closeTimeout();
    int id = IDS.incrementAndGet();
    this.io = Executors.newCachedThreadPool(daemon("fjord-amqp-io-" + id + "-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("fjord-amqp-timer-" + id + "-"));
    TlsContexts.Tls tls = settings.ssl ? TlsContexts.create(url, settings) : null;
    ConnectionFactory factory = ConnectionFactories.create(url, settings, tls);
    List<Address> addresses = ConnectionFactories.addresses(url, settings);
    this.publishHosts = new ConnectionFactories.Failover(addresses, settings.failover);
    this.consumeHosts = new ConnectionFactories.Failover(addresses, settings.failover);
    String name = options.connectionName();
    Connection pub = null;
    Connection con = null;
    try {
      pub = connector.connect(factory, publishHosts, name + ":publish");
      con = connector.connect(factory, consumeHosts, name + ":consume");
      this.broker = brokerInfo(con.getServerProperties());
      boolean refused = mayDeclareTransientQueues()
          && refusesTransientQueues(connector, factory, consumeHosts, name);
      if (refused && Boolean.FALSE.equals(settings.durableOption)) {
        throw new IllegalArgumentException("Option amqp_durable_queues=false in transport URL " + url + " asks for "
            + "transient shared queues, which " + broker + " refuses (its deprecated feature transient_nonexcl_queues "
            + "is denied, as by default from RabbitMQ 4.3); remove the option (Fjord then declares durable queues), or "
            + "set amqp_durable_queues=true or rabbit_quorum_queue=true");
      }
      this.topology = new Topology(settings, refused);
    } catch (IOException | TimeoutException | RuntimeException e) {
      for (Connection c : new Connection[] {pub, con}) {
        if (c != null) {
          c.abort(1000);
        }
      }
      io.shutdownNow();
      timer.shutdownNow();
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw AmqpErrors.translate("Cannot connect to " + url, e, tls == null ? null : tls.client().refusalHint());
    }
    this.publishConnection = pub;
    this.consumeConnection = con;
    publishHosts.connectedTo(pub.getAddress(), pub.getPort());
    consumeHosts.connectedTo(con.getAddress(), con.getPort());
    log.info("Connected to {} at {}:{} (virtual host {}) as '{}': {}", broker, con.getAddress().getHostAddress(),
        con.getPort(), url.virtualHost(), name, topology.describe());
  }

  /** Whether this configuration might declare a transient non-exclusive queue on this broker. */
  private boolean mayDeclareTransientQueues() {
    return !settings.quorum && !Boolean.TRUE.equals(settings.durableOption) && broker.product().equals("RabbitMQ")
        && broker.isAtLeast(3, 13);
  }

  /**
   * Asks the broker whether it refuses transient non-exclusive queues (RabbitMQ 4.3's default, and
   * 4.0-4.2's with {@code deprecated_features.permit.transient_nonexcl_queues = false}), on a connection
   * of its own: a refusal (541) closes the whole connection.
   */
  private boolean refusesTransientQueues(Connector connector, ConnectionFactory factory,
                                         ConnectionFactories.Failover hosts, String name)
      throws IOException, TimeoutException {
    ConnectionFactory f = factory.clone();
    f.setAutomaticRecoveryEnabled(false);
    // a refusal closes the socket under amqp-client's reader: expected here, not worth its warning
    f.setExceptionHandler(new com.rabbitmq.client.impl.ForgivingExceptionHandler() {
      @Override
      public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
        log.debug("Probe connection closed: {}", exception.toString());
      }
    });
    Connection probe = connector.connect(f, hosts, name + ":probe");
    try {
      Channel ch = probe.createChannel();
      String q = "fjord.probe." + UUID.randomUUID().toString().replace("-", "");
      try {
        ch.queueDeclare(q, false, false, false, Map.of("x-expires", 10_000));
        ch.queueDelete(q);
        return false;
      } catch (IOException e) {
        String text = AmqpErrors.replyText(e);
        if (text != null && text.contains("transient_nonexcl_queues")) {
          return true;
        }
        log.warn("Could not tell whether {} refuses transient queues ({}); assuming it accepts them", broker,
            AmqpErrors.describe(e));
        return false;
      }
    } finally {
      probe.abort(1000);
    }
  }

  private static BrokerInfo brokerInfo(Map<String, Object> properties) {
    Object product = properties.get("product");
    Object version = properties.get("version");
    return new BrokerInfo(product == null ? "unknown" : product.toString(), version == null ? "unknown" : version.toString());
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts following both connections: blocking, losses and recoveries; {@code events} hears of them. */
  void watch(Events events) {
    publishConnection.addBlockedListener(reason -> {
      blockedReason = reason;
      blocked = true;
      log.warn("The broker blocks publishing on {}: {}", url, reason);
    }, () -> {
      blocked = false;
      log.info("The broker unblocked publishing on {}", url);
    });
    ((Recoverable) publishConnection).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable recoverable) {
        events.publishingReset();
        publishHosts.connectedTo(publishConnection.getAddress(), publishConnection.getPort());
        log.info("Publishing connection to {} recovered ({}:{})", url, publishConnection.getAddress().getHostAddress(),
            publishConnection.getPort());
      }

      @Override
      public void handleRecoveryStarted(Recoverable recoverable) {
        events.publishingReset();
      }
    });
    consumeConnection.addShutdownListener(cause -> {
      if (!cause.isInitiatedByApplication()) {
        log.warn("Lost the consuming connection to {}: {}; reconnecting", url, AmqpErrors.describe(cause));
        events.consumingLost(cause);
      }
    });
    ((Recoverable) consumeConnection).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable recoverable) {
        consumeHosts.connectedTo(consumeConnection.getAddress(), consumeConnection.getPort());
        log.info("Consuming connection to {} recovered ({}:{}); re-declaring queues", url,
            consumeConnection.getAddress().getHostAddress(), consumeConnection.getPort());
        events.consumingRecovered();
      }

      @Override
      public void handleRecoveryStarted(Recoverable recoverable) {
        // nothing: calls waiting on replies were failed when the connection dropped
      }
    });
  }

  TransportUrl url() {
    return url;
  }

  BrokerInfo broker() {
    return broker;
  }

  Topology topology() {
    return topology;
  }

  Connection publishConnection() {
    return publishConnection;
  }

  Connection consumeConnection() {
    return consumeConnection;
  }

  /** Where work that may wait on the broker runs: declarations, retried publishes, re-subscriptions, closing. */
  ExecutorService io() {
    return io;
  }

  /** Delays before retries; a task it runs hands any real work to {@link #io()}. */
  ScheduledExecutorService timer() {
    return timer;
  }

  /** Whether a publish can go out now: the publishing connection is up and the broker does not block it. */
  boolean canPublish() {
    return publishConnection.isOpen() && !blocked;
  }

  /** Whether the broker blocks publishers (a resource alarm); see {@link #blockedReason()}. */
  boolean isBlocked() {
    return blocked;
  }

  /** The broker's reason for the last block, e.g. {@code low on memory}. */
  String blockedReason() {
    return blockedReason;
  }

  boolean isClosed() {
    return closed;
  }

  /** Whether both connections are up (not closed, not recovering). */
  boolean isConnected() {
    return !closed && publishConnection.isOpen() && consumeConnection.isOpen();
  }

  /** Throws unless the driver is open and the consuming connection is up (not reconnecting). */
  void ensureOpen() {
    if (closed) {
      throw new TransportException("Transport " + url + " is closed");
    }
    if (!consumeConnection.isOpen()) {
      throw new TransportException("Not connected to the broker at " + url + " (reconnecting)");
    }
  }

  /**
   * Runs {@code first} (cancelling consumers, deleting owned queues, closing channels) and closes both
   * connections gracefully, on an I/O thread, within the transport's close timeout; whatever is still
   * hanging then (a frozen broker) is aborted, and the I/O threads and timer stop. Idempotent.
   */
  void close(Runnable first) {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Void> graceful = CompletableFuture.runAsync(() -> {
      first.run();
      int ms = (int) Math.min(5000, Math.max(1000, settings.connectionTimeout.toMillis()));
      for (Connection c : new Connection[] {consumeConnection, publishConnection}) {
        try {
          c.close(ms);
        } catch (IOException | RuntimeException e) {
          c.abort(ms);
        }
      }
    }, io);
    try {
      graceful.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Closing {} took longer than {} ms; aborting the connections", url, closeTimeout.toMillis());
    } catch (ExecutionException e) {
      log.warn("Error closing {}: {}", url, AmqpErrors.describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumeConnection.abort(1000);
      publishConnection.abort(1000);
      io.shutdownNow();
      timer.shutdownNow();
    }
  }
}
