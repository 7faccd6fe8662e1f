package io.fjord.interop;

import io.fjord.rpc.TransportUrl;
import io.fjord.testbroker.TestBrokers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The RabbitMQ 4.x test node (RabbitMQ 4.3's deprecated-feature rules: transient non-exclusive
 * queues refused) that the oslo.messaging 16.1 interop tests run on: env {@code FJORD_TEST_AMQP4_URL},
 * else {@code rabbit://guest:guest@127.0.0.1:5700/} when it answers, else the others of {@link
 * TestBrokers#rabbit4Url()}; with none the tests fail saying how to start it. {@link #ctl} reaches the node {@code .ci/rabbitmq4} started
 * (rabbitmqctl in its chroot), to list and sweep what a test class declared. Thread-safe.
 */
final class TestBroker4 {
  static final String ENV = "FJORD_TEST_AMQP4_URL";
  static final String HOW_TO_GET_ONE = "Either set " + ENV + " (e.g. rabbit://guest:guest@host:5700/) or start"
      + " the project's RabbitMQ 4.x node on 127.0.0.1:" + localPort() + " with: bash .ci/rabbitmq4 start"
      + " (as root; it builds its chroot the first time, about 3 minutes)";

  private TestBroker4() {
  }

  /**
   * The node's transport URL (no query), as the test broker discovery finds it ({@link
   * TestBrokers#rabbit4Url()}: the environment, 127.0.0.1:5700, the project's script, Testcontainers),
   * failing with how to get one when none of them works.
   */
  static String url() {
    return TestBrokers.rabbit4Url();
  }

  /** The port of the node {@code .ci/rabbitmq4} starts ({@code FJORD_RMQ4_PORT}, default 5700). */
  static int localPort() {
    String port = System.getenv("FJORD_RMQ4_PORT");
    return port == null || port.isBlank() ? 5700 : Integer.parseInt(port.trim());
  }

  /** True when {@code url} is the node {@code .ci/rabbitmq4} runs here, so {@link #ctl} can see it. */
  static boolean isLocalNode(String url) {
    List<TransportUrl.Host> hosts = TransportUrl.parse(url).hosts();
    return hosts.size() == 1 && List.of("127.0.0.1", "localhost").contains(hosts.get(0).hostname())
        && hosts.get(0).portOr(5672) == localPort() && script() != null;
  }

  /** Runs {@code .ci/rabbitmq4 ctl args} and returns its stdout lines; fails with its output otherwise. */
  static List<String> ctl(String... args) throws IOException, InterruptedException {
    Path script = script();
    if (script == null) {
      throw new IllegalStateException("cannot find .ci/rabbitmq4 above " + Path.of("").toAbsolutePath());
    }
    List<String> command = new ArrayList<>(List.of("bash", script.toString(), "ctl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out.strip());
    }
    return out.lines().toList();
  }

  /** The project's {@code .ci/rabbitmq4}, found from the working directory upwards, or null. */
  private static Path script() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".ci/rabbitmq4");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
