package io.fjord.testkit;

/**
 * The broker a {@link FjordTest} runs on: the one {@link io.fjord.testbroker.TestBrokers} finds
 * ({@code FJORD_TEST_AMQP_URL}, else {@code localhost:5672} when it answers, else a Testcontainers
 * RabbitMQ), or {@code memory://} when none is found and the test allows it. Thread-safe.
 */
public final class TestBrokers {
  /** The environment variable naming the test broker's transport URL. */
  public static final String ENV = io.fjord.testbroker.TestBrokers.ENV;
  /** The URL used when no broker is found and the test allows it. */
  public static final String MEMORY_URL = "memory://";

  private TestBrokers() {
  }

  /** The broker's transport URL ({@code rabbit://...}), or null when none of the three ways found one. */
  public static String find() {
    return io.fjord.testbroker.TestBrokers.find();
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
    return "This test needs a RabbitMQ broker and found none. " + io.fjord.testbroker.TestBrokers.HOW_TO_GET_ONE
        + " (or allow memory:// with @FjordTest(allowMemory = true)).";
  }
}
