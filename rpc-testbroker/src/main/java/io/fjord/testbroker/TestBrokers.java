package io.fjord.testbroker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.fjord.rpc.TransportUrl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

/**
 * The RabbitMQ tests run against, found once per JVM in this order: the environment variable
 * {@code FJORD_TEST_AMQP_URL}; {@code rabbit://guest:guest@localhost:5672/} when it answers; a
 * Testcontainers RabbitMQ when Docker is available (started once, stopped with the JVM). A second
 * broker, RabbitMQ 4.x with 4.3's rules, is found by {@link #rabbit4()}. Plus what tests do with
 * them: a raw amqp-client connection to assert broker state, the broker's version, unique names,
 * cleanup. Used by the driver's integration tests and by the test kit ({@code rpc-testkit}).
 * Thread-safe.
 */
public final class TestBrokers {
  /** The environment variable naming the test broker's transport URL. */
  public static final String ENV = "FJORD_TEST_AMQP_URL";

  /** How to get a broker, for the message of a test that found none. */
  public static final String HOW_TO_GET_ONE = "Either set " + ENV
      + " (e.g. rabbit://guest:guest@host:5672/), or start one on localhost:5672 (apt-get install -y rabbitmq-server"
      + " && rabbitmq-server -detached; bash .ci/run does this), or make Docker available for Testcontainers";

  /** The environment variable naming the RabbitMQ 4.x test broker's transport URL. */
  public static final String AMQP4_ENV = Rabbit4Discovery.ENV;

  private static String url;
  private static boolean searched;
  private static RabbitMQContainer container;

  private TestBrokers() {
  }

  /** The broker's transport URL ({@code rabbit://...}), or null when none of the three ways found one. */
  public static synchronized String find() {
    if (searched) {
      return url;
    }
    searched = true;
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return url = env;
    }
    if (answers("localhost", 5672)) {
      return url = "rabbit://guest:guest@localhost:5672/";
    }
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      docker = false;
    }
    if (docker) {
      container = new RabbitMQContainer("rabbitmq:3.13-management");
      container.start();
      return url = "rabbit://guest:guest@" + container.getHost() + ":" + container.getAmqpPort() + "/";
    }
    return null;
  }

  /**
   * The broker's transport URL.
   *
   * @throws IllegalStateException naming the three ways to provide a broker
   */
  public static String url() {
    String found = find();
    if (found == null) {
      throw new IllegalStateException("These tests need a RabbitMQ broker and found none. " + HOW_TO_GET_ONE + ".");
    }
    return found;
  }

  /**
   * The RabbitMQ 4.x test broker with RabbitMQ 4.3's rules, found once per JVM in this order: the
   * environment variable {@code FJORD_TEST_AMQP4_URL}; {@code rabbit://guest:guest@127.0.0.1:5700/}
   * when it answers; {@code .ci/rabbitmq4 start} when running as root (up to about 4 minutes the
   * first time, to build the chroot); a Testcontainers {@code rabbitmq:4.1} when Docker is available.
   *
   * @throws IllegalStateException naming every way to provide one, or saying why the one found is not
   *     4.x with 4.3's rules
   */
  public static BrokerInfo rabbit4() {
    return Rabbit4Discovery.find();
  }

  /** The transport URL of {@link #rabbit4()}. */
  public static String rabbit4Url() {
    return rabbit4().url();
  }

  /** The {@code version} server property of the broker at {@code transportUrl}, e.g. {@code 3.10.8}. */
  public static String serverVersion(String transportUrl) throws Exception {
    try (Connection c = rawConnection(transportUrl, "fjord-test-version")) {
      Object version = c.getServerProperties().get("version");
      return version == null ? "unknown" : version.toString();
    }
  }

  /**
   * True when the broker at {@code transportUrl} declares a queue that is neither durable nor
   * exclusive; RabbitMQ 4.3 (and 4.0 to 4.2 configured like it) refuses one with 541 instead.
   */
  public static boolean permitsTransientNonExclusiveQueues(String transportUrl) throws Exception {
    return Rabbit4Discovery.permitsTransientNonExclusiveQueues(transportUrl);
  }

  /** True when something accepts TCP connections at {@code host:port} within a second. */
  public static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A raw amqp-client connection to the first host of {@code transportUrl}; the caller closes it. */
  public static Connection rawConnection(String transportUrl, String connectionName) throws Exception {
    TransportUrl u = TransportUrl.parse(transportUrl);
    ConnectionFactory f = new ConnectionFactory();
    TransportUrl.Host h = u.hosts().isEmpty() ? new TransportUrl.Host("localhost", 5672, null, null) : u.hosts().get(0);
    f.setHost(h.hostname());
    f.setPort(h.portOr(5672));
    f.setUsername(h.username() == null ? "guest" : h.username());
    f.setPassword(h.password() == null ? "guest" : h.password());
    f.setVirtualHost(u.virtualHost());
    return f.newConnection(connectionName);
  }

  /** A fresh name with {@code prefix}, unique per test. */
  public static String name(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** True when queue {@code name} exists (a passive declare on a throwaway channel). */
  public static boolean queueExists(Connection c, String name) throws IOException {
    return exists(c, true, name);
  }

  /** True when exchange {@code name} exists (a passive declare on a throwaway channel). */
  public static boolean exchangeExists(Connection c, String name) throws IOException {
    return exists(c, false, name);
  }

  private static boolean exists(Connection c, boolean queue, String name) throws IOException {
    Channel ch = c.createChannel();
    try {
      if (queue) {
        ch.queueDeclarePassive(name);
      } else {
        ch.exchangeDeclarePassive(name);
      }
      return true;
    } catch (IOException e) {
      return false; // the broker closed the channel: 404 NOT_FOUND
    } finally {
      if (ch.isOpen()) {
        try {
          ch.close();
        } catch (Exception ignored) {
          // closing
        }
      }
    }
  }

  /** Deletes queues and exchanges, each on its own channel, ignoring what does not exist. */
  public static void delete(Connection c, Iterable<String> queues, Iterable<String> exchanges) {
    for (String q : queues) {
      try (Channel ch = c.createChannel()) {
        ch.queueDelete(q);
      } catch (Exception ignored) {
        // never declared, or gone already
      }
    }
    for (String x : exchanges) {
      try (Channel ch = c.createChannel()) {
        ch.exchangeDelete(x);
      } catch (Exception ignored) {
        // never declared, or gone already
      }
    }
  }
}
