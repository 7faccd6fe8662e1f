package io.fjord.amqp;

import com.rabbitmq.client.Connection;
import io.fjord.testbroker.TestBrokers;
import java.io.IOException;
import java.util.List;

/**
 * The RabbitMQ the integration tests run against, as {@link TestBrokers} finds it: the environment
 * variable {@code FJORD_TEST_AMQP_URL}; {@code amqp://guest:guest@localhost:5672} when it answers; a
 * Testcontainers RabbitMQ when Docker is available. With none of them the tests fail (never skip)
 * with a message naming all three. The RabbitMQ 4.x broker ({@link #rabbit4Url()}) is found the same
 * way ({@link TestBrokers#rabbit4()}). Shared with other modules' tests through this module's test-jar.
 */
public final class TestBroker {
  private TestBroker() {
  }

  public static final String ENV = TestBrokers.ENV;

  /** The broker's transport URL ({@code rabbit://...}). */
  public static String url() {
    return TestBrokers.url();
  }

  /** The RabbitMQ 4.x broker's transport URL, with RabbitMQ 4.3's rules ({@link TestBrokers#rabbit4()}). */
  public static String rabbit4Url() {
    return TestBrokers.rabbit4Url();
  }

  static boolean answers(String host, int port) {
    return TestBrokers.answers(host, port);
  }

  /** A raw amqp-client connection to the test broker, for spying on and asserting broker state. */
  public static Connection rawConnection() throws Exception {
    return TestBrokers.rawConnection(url(), "fjord-test-raw");
  }

  /** A raw amqp-client connection to the broker at {@code transportUrl}; the caller closes it. */
  public static Connection rawConnection(String transportUrl) throws Exception {
    return TestBrokers.rawConnection(transportUrl, "fjord-test-raw");
  }

  /** A fresh name with {@code prefix}, unique per test. */
  public static String name(String prefix) {
    return TestBrokers.name(prefix);
  }

  /** True when queue {@code name} exists (a passive declare on a throwaway channel). */
  public static boolean queueExists(Connection c, String name) throws IOException {
    return TestBrokers.queueExists(c, name);
  }

  /** Deletes queues and exchanges, ignoring what does not exist. */
  public static void delete(Connection c, String[] queues, String[] exchanges) {
    TestBrokers.delete(c, List.of(queues), List.of(exchanges));
  }
}
