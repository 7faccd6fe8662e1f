package io.fjord.testbroker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.fjord.rpc.TransportUrl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * Finds the RabbitMQ 4.x broker with RabbitMQ 4.3's rules once per JVM, in this order: the
 * environment variable {@code FJORD_TEST_AMQP4_URL}; {@code rabbit://guest:guest@127.0.0.1:5700/}
 * when it answers; the project's {@code .ci/rabbitmq4 start} when running as root (then 5700); a
 * Testcontainers {@code rabbitmq:4.1} with those rules when Docker is available. Whatever it finds
 * must announce version 4 or later and refuse a transient non-exclusive queue (541), or discovery
 * fails saying so: a permissive 4.x broker would let tests pass that fail on 4.3. Without any, it
 * fails naming every way to get one. Thread-safe; the outcome, success or failure, is kept.
 */
final class Rabbit4Discovery {
  static final String ENV = "FJORD_TEST_AMQP4_URL";
  static final String IMAGE = "rabbitmq:4.1";
  /** RabbitMQ 4.3's defaults, which 4.0 to 4.2 apply only when configured. */
  static final String RULES = "deprecated_features.permit.transient_nonexcl_queues = false\n"
      + "deprecated_features.permit.global_qos = false\n";

  private static BrokerInfo found;
  private static String failure;
  private static RabbitMQContainer container;

  private Rabbit4Discovery() {
  }

  static synchronized BrokerInfo find() {
    if (found == null && failure == null) {
      try {
        found = search();
      } catch (RuntimeException e) {
        failure = e.getMessage();
      }
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    return found;
  }

  private static BrokerInfo search() {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return verified(env.trim(), "$" + ENV);
    }
    List<String> tried = new ArrayList<>();
    int port = Rabbit4Chroot.port();
    String local = "rabbit://guest:guest@127.0.0.1:" + port + "/";
    if (TestBrokers.answers("127.0.0.1", port)) {
      return verified(local, "127.0.0.1:" + port);
    }
    tried.add("nothing answers on 127.0.0.1:" + port);
    String scriptFailure = Rabbit4Chroot.start();
    if (scriptFailure == null) {
      return verified(local, Rabbit4Chroot.SCRIPT + " start");
    }
    tried.add(scriptFailure);
    if (dockerAvailable()) {
      container = new RabbitMQContainer(IMAGE)
          .withCopyToContainer(Transferable.of(RULES), "/etc/rabbitmq/conf.d/90-fjord-rabbitmq-4.3-rules.conf");
      container.start();
      return verified("rabbit://guest:guest@" + container.getHost() + ":" + container.getAmqpPort() + "/",
          "Testcontainers " + IMAGE);
    }
    tried.add("Docker is not available for Testcontainers");
    throw new IllegalStateException(noBrokerMessage(tried));
  }

  /** The message of a run that found no 4.x broker: every way to get one, then what was tried. */
  static String noBrokerMessage(List<String> tried) {
    return "These tests need a RabbitMQ 4.x broker with RabbitMQ 4.3's rules (" + RULES.strip().replace("\n", ", ")
        + ") and found none. Either set " + ENV + " (rabbit://USER:PASSWORD@HOST:PORT/), or start the project's node"
        + " on 127.0.0.1:" + Rabbit4Chroot.port() + " as root with: bash " + Rabbit4Chroot.SCRIPT + " start (it builds a"
        + " Debian trixie chroot with RabbitMQ 4.0.5 once, about 4 minutes; bash .ci/run does this), or run the tests"
        + " as root from the project so they run that script themselves, or make Docker available for Testcontainers ("
        + IMAGE + "). Tried: " + String.join("; ", tried);
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  /** {@code url}'s broker as found through {@code source}, once it proved to be 4.x with 4.3's rules. */
  private static BrokerInfo verified(String url, String source) {
    String where = TransportUrl.parse(url) + " (" + source + ")";
    BrokerInfo broker;
    boolean permissive;
    try {
      broker = new BrokerInfo(url, TestBrokers.serverVersion(url), source);
      permissive = permitsTransientNonExclusiveQueues(url);
    } catch (Exception e) {
      throw new IllegalStateException("The RabbitMQ 4.x test broker " + where + " did not answer as expected: " + e, e);
    }
    if (broker.majorVersion() < 4) {
      throw new IllegalStateException("The RabbitMQ 4.x test broker " + where + " is RabbitMQ " + broker.version()
          + "; the 4.x tests need RabbitMQ 4.0 or later. " + noBrokerMessage(List.of()));
    }
    if (permissive) {
      throw new IllegalStateException("The RabbitMQ 4.x test broker " + broker + " accepts transient non-exclusive"
          + " queues, so tests would pass there that fail on RabbitMQ 4.3; add to its rabbitmq.conf:\n" + RULES);
    }
    return broker;
  }

  /** True when the broker declares a queue that is neither durable nor exclusive (4.3 refuses it: 541). */
  static boolean permitsTransientNonExclusiveQueues(String url) throws Exception {
    Connection c = TestBrokers.rawConnection(url, "fjord-test-probe");
    try {
      Channel ch = c.createChannel();
      String probe = TestBrokers.name("fjord_probe");
      try {
        ch.queueDeclare(probe, false, false, true, null);
      } catch (IOException e) {
        if (e.getCause() instanceof ShutdownSignalException s && s.isHardError()
            && s.getReason() instanceof AMQP.Connection.Close close && close.getReplyCode() == 541) {
          return false;
        }
        throw e;
      }
      ch.queueDelete(probe);
      return true;
    } finally {
      c.abort();
    }
  }
}
