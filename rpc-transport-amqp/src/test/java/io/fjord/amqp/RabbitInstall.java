package io.fjord.amqp;

import io.fjord.testbroker.Rabbit4Chroot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a {@link RabbitNode}'s RabbitMQ comes from, and what that changes: the host's Debian
 * package (RabbitMQ 3.10, epmd on 4370, ports 5681+) or the project's Debian trixie chroot
 * (RabbitMQ 4.0.5 with RabbitMQ 4.3's rules, run through {@code chroot}, epmd on 4380 like the
 * chroot's node on 5700, ports 5801+). Both port ranges keep clear of 5672, 5700 and each other,
 * so nodes of either kind never meet another JVM's. Immutable.
 */
abstract class RabbitInstall {
  static final String SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
  static final String CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl";

  /** The host's RabbitMQ 3.10. */
  static final RabbitInstall HOST = new Host();

  private static RabbitInstall chroot;

  /** What a node's log says it is, e.g. {@code RabbitMQ 3.10 (host)}. */
  abstract String label();

  /** Node names are {@code <prefix><port>@localhost}. */
  abstract String nodePrefix();

  abstract int firstPort();

  abstract int epmdPort();

  /** rabbitmq.conf lines beyond the listener and {@code loopback_users}. */
  abstract String extraConfig();

  /** A fresh, empty directory for a node's files, as a path on the host. */
  abstract Path newNodeDirectory() throws IOException;

  /** {@code hostPath} as the node sees it. */
  abstract String inside(Path hostPath);

  /** A process running {@code command} (a RabbitMQ script) with exactly {@code env} from RabbitMQ's variables. */
  abstract ProcessBuilder process(List<String> command, Map<String, String> env);

  /** Why nodes of this kind cannot start here, or null. */
  abstract String unavailable();

  /** The project's RabbitMQ 4.x chroot, built by {@code .ci/rabbitmq4} when missing and with /proc and /dev mounted. */
  static synchronized RabbitInstall chroot() throws Exception {
    if (chroot == null) {
      if (!Rabbit4Chroot.runningAsRoot()) {
        throw new IllegalStateException("RabbitMQ 4.x test nodes run in the chroot " + Rabbit4Chroot.root()
            + " through chroot(8), which needs root; run the tests as root");
      }
      Path root = Rabbit4Chroot.ensureBuilt();
      for (String fs : List.of("proc", "dev")) {
        Path target = root.resolve(fs);
        if (run("mountpoint", "-q", target.toString()) != 0 && run("mount", "--bind", "/" + fs, target.toString()) != 0) {
          throw new IllegalStateException("cannot bind-mount /" + fs + " on " + target + " for the RabbitMQ 4.x chroot");
        }
      }
      chroot = new Chroot(root);
    }
    return chroot;
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /** Debian's RabbitMQ 3.10 on the host, run directly (the /usr/sbin wrapper switches user). */
  private static final class Host extends RabbitInstall {
    @Override
    String label() {
      return "RabbitMQ 3.10 (host)";
    }

    @Override
    String nodePrefix() {
      return "fjord";
    }

    @Override
    int firstPort() {
      return 5681;
    }

    @Override
    int epmdPort() {
      return 4370;
    }

    @Override
    String extraConfig() {
      return "";
    }

    @Override
    Path newNodeDirectory() throws IOException {
      return Files.createTempDirectory("fjord-node-");
    }

    @Override
    String inside(Path hostPath) {
      return hostPath.toString();
    }

    @Override
    ProcessBuilder process(List<String> command, Map<String, String> env) {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().keySet().removeIf(k -> k.startsWith("RABBITMQ_") || k.startsWith("ERL_"));
      pb.environment().putAll(env);
      return pb;
    }

    @Override
    String unavailable() {
      return Files.isExecutable(Path.of(SERVER)) ? null : "Fault tests need RabbitMQ's scripts at " + SERVER
          + " (apt-get install -y rabbitmq-server); they start a node of their own on ports 5681+";
    }
  }

  /** RabbitMQ 4.0.5 in the project's trixie chroot, with RabbitMQ 4.3's deprecated-feature defaults. */
  private static final class Chroot extends RabbitInstall {
    private final Path root;

    Chroot(Path root) {
      this.root = root;
    }

    @Override
    String label() {
      return "RabbitMQ 4.x (chroot " + root + ")";
    }

    @Override
    String nodePrefix() {
      return "fjord4x";
    }

    @Override
    int firstPort() {
      return 5801;
    }

    @Override
    int epmdPort() {
      return 4380;
    }

    @Override
    String extraConfig() {
      return "deprecated_features.permit.transient_nonexcl_queues = false\n"
          + "deprecated_features.permit.global_qos = false\n";
    }

    @Override
    Path newNodeDirectory() throws IOException {
      Path nodes = root.resolve("var/lib/fjord-test-nodes");
      Files.createDirectories(nodes);
      return Files.createTempDirectory(nodes, "node-");
    }

    @Override
    String inside(Path hostPath) {
      return "/" + root.relativize(hostPath);
    }

    @Override
    ProcessBuilder process(List<String> command, Map<String, String> env) {
      List<String> cmd = new ArrayList<>(List.of("chroot", root.toString(), "/usr/bin/env", "-i",
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"));
      env.forEach((k, v) -> cmd.add(k + "=" + v));
      cmd.addAll(command);
      return new ProcessBuilder(cmd);
    }

    @Override
    String unavailable() {
      return Files.isExecutable(root.resolve(SERVER.substring(1))) ? null
          : "the chroot " + root + " has no " + SERVER + "; rebuild it: rm " + root.resolve(".fjord-ready")
          + " && bash .ci/rabbitmq4 start";
    }
  }
}
