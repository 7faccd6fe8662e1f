package io.fjord.rpc;

import io.fjord.rpc.internal.TransportCore;
import io.fjord.rpc.spi.Driver;
import io.fjord.rpc.spi.DriverProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * A connection to a message broker (or the in-process {@code memory://} bus), opened from a URL
 * and shared by every {@link io.fjord.rpc.client.RpcClient} and {@link io.fjord.rpc.server.RpcServer}
 * of an application.
 *
 * <pre>{@code
 * try (Transport transport = Transport.open("rabbit://guest:guest@localhost:5672/")) {
 *   ...
 * }
 * }</pre>
 *
 * <p>The driver is chosen by the URL scheme through {@link ServiceLoader}: {@code memory://} (alias
 * {@code fake://}) is built in; {@code rabbit://}, {@code amqp://} and {@code amqps://} come with
 * {@code io.fjord:rpc-transport-amqp}.
 *
 * <p>Thread-safe. Build one per broker and share it; {@link #close()} closes the servers
 * started on it, fails calls still waiting for a reply, and closes the connections, in bounded time.
 */
public final class Transport implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Transport.class);
  private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
      "rabbit", "io.fjord:rpc-transport-amqp",
      "amqp", "io.fjord:rpc-transport-amqp",
      "amqps", "io.fjord:rpc-transport-amqp",
      "kombu", "io.fjord:rpc-transport-amqp");

  private final TransportCore core;

  private Transport(TransportCore core) {
    this.core = core;
  }

  /** Opens a transport with default {@link TransportOptions}. */
  public static Transport open(String url) {
    return open(TransportUrl.parse(url), TransportOptions.defaults());
  }

  /** Opens a transport with default {@link TransportOptions}. */
  public static Transport open(TransportUrl url) {
    return open(url, TransportOptions.defaults());
  }

  /**
   * Opens a transport.
   *
   * @throws NoSuchDriverException when no installed driver handles the URL's scheme
   * @throws TransportException when the broker cannot be reached
   * @throws IllegalArgumentException for an invalid URL or unknown URL option
   */
  public static Transport open(TransportUrl url, TransportOptions options) {
    DriverProvider driver = findDriver(url);
    Driver dt = driver.open(url, options);
    return new Transport(new TransportCore(url, options, dt));
  }

  private static DriverProvider findDriver(TransportUrl url) {
    Map<String, DriverProvider> drivers = new LinkedHashMap<>();
    List<ServiceLoader<DriverProvider>> loaders = new ArrayList<>();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      loaders.add(ServiceLoader.load(DriverProvider.class, context));
    }
    ModuleLayer layer = Transport.class.getModule().getLayer();
    if (layer != null) {
      loaders.add(ServiceLoader.load(layer, DriverProvider.class)); // on a module path: the providers of our layer
    }
    loaders.add(ServiceLoader.load(DriverProvider.class, Transport.class.getClassLoader()));
    for (ServiceLoader<DriverProvider> loader : loaders) {
      Iterator<DriverProvider> it = loader.iterator();
      while (true) {
        try {
          if (!it.hasNext()) {
            break;
          }
          DriverProvider d = it.next();
          for (String s : d.schemes()) {
            drivers.putIfAbsent(s, d);
          }
        } catch (ServiceConfigurationError e) {
          // another copy of Fjord seen through a different class loader (a module layer, a plugin): not ours
          log.debug("Skipping a driver provider that cannot be used here: {}", e.getMessage());
        }
      }
    }
    DriverProvider driver = drivers.get(url.scheme());
    if (driver != null) {
      return driver;
    }
    String artifact = KNOWN_ARTIFACTS.get(url.scheme());
    String hint = artifact != null
        ? "add the artifact " + artifact + " to the class path"
        : "add a jar that provides an io.fjord.rpc.spi.DriverProvider for '" + url.scheme() + "'";
    throw new NoSuchDriverException("No transport driver for scheme '" + url.scheme() + "' (URL " + url
        + "); installed schemes: " + new TreeSet<>(drivers.keySet()) + "; " + hint, url.scheme(), drivers.keySet());
  }

  /**
   * The machinery this transport shares with the clients, servers, notifiers and listeners built on it.
   * For Fjord's own modules: its package is exported to them only (applications on the module path cannot
   * use it; on the class path it is no API and may change in any release).
   */
  public TransportCore core() {
    return core;
  }

  /**
   * Publishes an already encoded notification body to {@code <topic>.<priority>} of {@code target}: the
   * seam for {@link io.fjord.rpc.spi.Driver}-backed notification drivers written outside Fjord. The future
   * completes when the driver has the message, or fails with a {@link MessagingTimeoutException} at
   * {@code timeout}.
   *
   * @param priority the lower-case priority, e.g. {@code info}
   * @param retry publish retries on a broken connection, null for "until the timeout"
   * @throws UnsupportedCapabilityException when the driver has no {@link Capability#NOTIFICATIONS}
   */
  public java.util.concurrent.CompletableFuture<Void> publishNotification(Target target, String priority, byte[] body,
                                                                          java.time.Duration timeout, Integer retry) {
    return core.publishNotification(target, priority, body, timeout, retry);
  }

  /** The URL this transport was opened with. */
  public TransportUrl url() {
    return core.url();
  }

  public TransportOptions options() {
    return core.options();
  }

  /**
   * The broker this transport is connected to, as it announced itself when connecting: for RabbitMQ
   * its product and version (also in the transport's start-up log line); {@code memory} for
   * {@code memory://}.
   */
  public BrokerInfo broker() {
    return core.driver().brokerInfo();
  }

  /** What this transport's driver supports; builders check it at {@code build()}. */
  public java.util.Set<Capability> capabilities() {
    return core.driver().capabilities();
  }

  /** True when this transport's driver supports {@code capability}. */
  public boolean supports(Capability capability) {
    return core.driver().capabilities().contains(capability);
  }

  /**
   * Whether the transport is connected to its broker now: false while its driver reconnects and once closed
   * (always true for {@code memory://} until closed). Does not block; for health checks.
   */
  public boolean isConnected() {
    return !core.isClosed() && core.driver().isConnected();
  }

  /**
   * The name of the queue replies to this transport's calls arrive on, once the first call opened it; empty
   * before (asking declares nothing).
   */
  public java.util.Optional<String> replyQueue() {
    return core.openedReplyQueue();
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return core.isClosed();
  }

  /** Closes servers started on this transport, fails waiting calls, closes connections. Idempotent. */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "Transport{" + core.url() + "}";
  }
}
