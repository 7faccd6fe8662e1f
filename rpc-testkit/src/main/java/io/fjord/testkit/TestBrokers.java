package io.fjord.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

/**
 * Finds the RabbitMQ tests run against, once per JVM: {@code FJORD_TEST_AMQP_URL}, else
 * {@code localhost:5672} when it answers, else a Testcontainers RabbitMQ (started once, stopped with
 * the JVM). Thread-safe.
 */
public final class TestBrokers {
  /** The environment variable naming the test broker's transport URL. */
  public static final String ENV = "FJORD_TEST_AMQP_URL";
  /** The URL used when no broker is found and the test allows it. */
  public static final String MEMORY_URL = "memory://";

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
   * The broker URL, or {@link #MEMORY_URL} when {@code allowMemory} and none was found.
   *
   * @throws IllegalStateException naming the three ways to provide a broker
   */
  public static String url(boolean allowMemory) {
    String found = find();
    if (found != null) {
      return found;
    }
    if (allowMemory) {
      return MEMORY_URL;
    }
    throw new IllegalStateException(noBrokerMessage());
  }

  static String noBrokerMessage() {
    return "This test needs a RabbitMQ broker and found none. Either set " + ENV
        + " (e.g. rabbit://guest:guest@host:5672/), or start one on localhost:5672 (apt-get install -y rabbitmq-server"
        + " && rabbitmq-server -detached), or make Docker available for Testcontainers"
        + " (or allow memory:// with @FjordTest(allowMemory = true)).";
  }

  static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
