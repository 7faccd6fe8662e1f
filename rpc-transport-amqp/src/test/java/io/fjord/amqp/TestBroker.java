package io.fjord.amqp;

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
 * The RabbitMQ the integration tests run against, found in this order: the environment variable
 * {@code FJORD_TEST_AMQP_URL}; {@code amqp://guest:guest@localhost:5672} when it answers; a
 * Testcontainers RabbitMQ when Docker is available. With none of them the tests fail (never skip)
 * with a message naming all three.
 */
public final class TestBroker {
  private TestBroker() {
  }

  public static final String ENV = "FJORD_TEST_AMQP_URL";
  private static String url;
  private static RabbitMQContainer container;

  /** The broker's transport URL ({@code rabbit://...}). */
  public static synchronized String url() {
    if (url != null) {
      return url;
    }
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
    throw new IllegalStateException("These tests need a RabbitMQ broker and found none. Either set " + ENV
        + " (e.g. rabbit://guest:guest@host:5672/), or start one on localhost:5672 (apt-get install -y rabbitmq-server && "
        + "rabbitmq-server -detached; bash .ci/run does this), or make Docker available for Testcontainers.");
  }

  static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A raw amqp-client connection to the test broker, for spying on and asserting broker state. */
  public static Connection rawConnection() throws Exception {
    TransportUrl u = TransportUrl.parse(url());
    ConnectionFactory f = new ConnectionFactory();
    TransportUrl.Host h = u.hosts().get(0);
    f.setHost(h.hostname());
    f.setPort(h.portOr(5672));
    f.setUsername(h.username() == null ? "guest" : h.username());
    f.setPassword(h.password() == null ? "guest" : h.password());
    f.setVirtualHost(u.virtualHost());
    return f.newConnection("fjord-test-raw");
  }

  /** A fresh name with {@code prefix}, unique per test. */
  public static String name(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** True when queue {@code name} exists (a passive declare on a throwaway channel). */
  public static boolean queueExists(Connection c, String name) throws IOException {
    Channel ch = c.createChannel();
    try {
      ch.queueDeclarePassive(name);
      return true;
    } catch (IOException e) {
      return false;
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

  /** Deletes queues and exchanges, ignoring what does not exist. */
  public static void delete(Connection c, String[] queues, String[] exchanges) {
    for (String q : queues) {
      try (Channel ch = c.createChannel()) {
        ch.queueDelete(q);
      } catch (Exception ignored) {
        // gone already
      }
    }
    for (String x : exchanges) {
      try (Channel ch = c.createChannel()) {
        ch.exchangeDelete(x);
      } catch (Exception ignored) {
        // gone already
      }
    }
  }
}
