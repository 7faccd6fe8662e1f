package io.fjord.testbroker;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The project's RabbitMQ 4.x installation: a Debian trixie chroot with RabbitMQ 4.0.5, built and
 * started by the project script {@code .ci/rabbitmq4} (found by walking up from {@code user.dir}).
 * The script runs at most once per JVM, as root only, and its output goes to a log file whose tail
 * is part of every failure message. Thread-safe.
 */
public final class Rabbit4Chroot {
  /** The environment variable the script reads for the chroot's directory. */
  public static final String ROOT_ENV = "FJORD_RMQ4_ROOT";
  /** The environment variable the script reads for the node's AMQP port. */
  public static final String PORT_ENV = "FJORD_RMQ4_PORT";
  /** The script, relative to the project's root. */
  public static final String SCRIPT = ".ci/rabbitmq4";
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(8);

  private static boolean ran;
  private static String outcome;

  private Rabbit4Chroot() {
  }

  /** The chroot's directory: {@code $FJORD_RMQ4_ROOT}, else {@code /var/lib/fjord/rabbitmq4-trixie}. */
  public static Path root() {
    String env = System.getenv(ROOT_ENV);
    return Path.of(env == null || env.isBlank() ? "/var/lib/fjord/rabbitmq4-trixie" : env);
  }

  /** The AMQP port of the script's node: {@code $FJORD_RMQ4_PORT}, else 5700. */
  public static int port() {
    String env = System.getenv(PORT_ENV);
    return env == null || env.isBlank() ? 5700 : Integer.parseInt(env.trim());
  }

  /** True when the script finished building the chroot (it leaves {@code .fjord-ready} then). */
  public static boolean built() {
    return Files.isRegularFile(root().resolve(".fjord-ready"));
  }

  /** True when this JVM runs as root (uid 0), which chroot, mount and debootstrap need. */
  public static boolean runningAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The script, found in {@code user.dir} or one of its parents, or null. */
  public static Path script() {
    for (File dir = new File(System.getProperty("user.dir")).getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
      File script = new File(dir, SCRIPT);
      if (script.isFile()) {
        return script.toPath();
      }
    }
    return null;
  }

  /**
   * Runs {@code .ci/rabbitmq4 start} (build the chroot when missing, start the node on {@link #port()}
   * when it does not answer) the first time it is called in this JVM; later calls return the first
   * outcome.
   *
   * @return null when the script succeeded, else why it did not run or how it failed (with its log's tail)
   */
  public static synchronized String start() {
    if (!ran) {
      ran = true;
      outcome = startAsRoot();
    }
    return outcome;
  }

  /**
   * Makes sure the chroot is built, running the script once when it is not.
   *
   * @throws IllegalStateException saying why the chroot is missing and how to build it
   */
  public static Path ensureBuilt() {
    if (!built()) {
      String why = start();
      if (!built()) {
        throw new IllegalStateException("The RabbitMQ 4.x chroot " + root() + " is not built ("
            + (why == null ? "the script ran but left no .fjord-ready" : why) + "). Build it as root with: bash "
            + SCRIPT + " start (debootstrap trixie and RabbitMQ 4.0.5, about 4 minutes, once)");
      }
    }
    return root();
  }

  private static String startAsRoot() {
    if (!runningAsRoot()) {
      return "not running as root, so " + SCRIPT + " was not run (it needs root for debootstrap, mount and chroot)";
    }
    Path script = script();
    if (script == null) {
      return SCRIPT + " was not found in " + System.getProperty("user.dir") + " or its parents";
    }
    Path log;
    try {
      log = Files.createTempFile("fjord-rabbitmq4-start-", ".log");
    } catch (IOException e) {
      return "cannot create a log file for " + SCRIPT + ": " + e.getMessage();
    }
    return run(script, SCRIPT_TIMEOUT, log);
  }

  /**
   * Runs {@code bash script start} in the script's project, its output to {@code log}; null when it
   * exited 0, else how it failed.
   */
  static String run(Path script, Duration timeout, Path log) {
    System.err.println("rpc-testbroker: running bash " + script + " start (builds the RabbitMQ 4 chroot when missing, "
        + "up to about 4 minutes); log: " + log);
    try {
      Process p = new ProcessBuilder("bash", script.toString(), "start")
          .directory(script.getParent().getParent().toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return "bash " + script + " start did not finish within " + timeout.toSeconds() + " s; last lines of "
            + log + ":\n" + tail(log);
      }
      if (p.exitValue() != 0) {
        return "bash " + script + " start failed (exit " + p.exitValue() + "); last lines of " + log + ":\n" + tail(log);
      }
      return null;
    } catch (IOException e) {
      return "cannot run bash " + script + " start: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while bash " + script + " start ran";
    }
  }

  /** The last 20 lines of {@code file}. */
  static String tail(Path file) {
    try {
      String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
      StringBuilder sb = new StringBuilder();
      for (int i = Math.max(0, lines.length - 20); i < lines.length; i++) {
        sb.append("    ").append(lines[i]).append('\n');
      }
      return sb.toString();
    } catch (IOException e) {
      return "    (cannot read it: " + e.getMessage() + ")\n";
    }
  }
}
