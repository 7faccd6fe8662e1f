package io.fjord.interop;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The oslo peers on trixie's oslo.messaging 16.1 (Python 3.13) inside the chroot that
 * {@code .ci/rabbitmq4} builds for the RabbitMQ 4.x node ({@code /var/lib/fjord/rabbitmq4-trixie},
 * or env {@code FJORD_RMQ4_ROOT}). The chroot cannot see the host's files, so the constructor copies
 * the scripts to {@code <root>/tmp/fjord-interop-<random>/}, which is also the peers' TMPDIR (oslo's
 * {@code lock_path}); {@link #close()} removes it. Running {@code chroot} needs root; the chroot
 * shares the host's loopback, so peers reach the node on 127.0.0.1.
 */
final class ChrootOslo implements OsloRuntime {
  static final String ROOT_ENV = "FJORD_RMQ4_ROOT";
  private static final String HINT = "; build it and start the node with: bash .ci/rabbitmq4 start"
      + " (as root, about 3 minutes the first time; " + ROOT_ENV + " chooses another directory)";
  private static final String CHROOT = "/usr/sbin/chroot";
  private static final String PYTHON = "/usr/bin/python3";

  private final Path root;
  /** The staging directory as the chroot sees it, e.g. {@code /tmp/fjord-interop-1a2b3c}. */
  private final String inside;

  ChrootOslo() throws IOException {
    String env = System.getenv(ROOT_ENV);
    root = Path.of(env == null || env.isBlank() ? "/var/lib/fjord/rabbitmq4-trixie" : env);
    inside = "/tmp/fjord-interop-" + UUID.randomUUID().toString().substring(0, 8);
    if (Files.isDirectory(root.resolve("tmp"))) {
      Path stage = Files.createDirectory(host(inside));
      try (DirectoryStream<Path> scripts = Files.newDirectoryStream(OsloRuntime.scriptsDir(), "*.py")) {
        for (Path script : scripts) {
          Files.copy(script, stage.resolve(script.getFileName().toString()));
        }
      }
    }
  }

  /** The host path of {@code pathInChroot}. */
  private Path host(String pathInChroot) {
    return root.resolve(pathInChroot.substring(1));
  }

  @Override
  public String description() {
    return "oslo.messaging in the chroot " + root + " (" + PYTHON + ")";
  }

  @Override
  public void require() throws IOException, InterruptedException {
    if (!Files.isExecutable(host(PYTHON))) {
      throw new IllegalStateException("The oslo.messaging 16.1 interop tests need the RabbitMQ 4.x chroot with python3"
          + " at " + root + " and there is none" + HINT);
    }
    if (!Files.isDirectory(host("/proc/self"))) {
      throw new IllegalStateException("The chroot " + root + " has no /proc mounted (oslo's queue manager and"
          + " RabbitMQ need it)" + HINT);
    }
    OsloRuntime.check(command(List.of("-c", IMPORTS)),
        "The chroot's " + PYTHON + " cannot import oslo_messaging (running chroot needs root)",
        "; install python3-oslo.messaging there" + HINT);
  }

  @Override
  public ProcessBuilder processBuilder(String script, List<String> args) {
    List<String> pythonArgs = new ArrayList<>(List.of("-u", inside + "/" + script));
    pythonArgs.addAll(args);
    List<String> command = new ArrayList<>(List.of(OsloRuntime.SETSID));
    command.addAll(command(pythonArgs));
    return new ProcessBuilder(command);
  }

  /** chroot + a clean environment + python3 {@code pythonArgs}; chroot and env exec, so the process is python. */
  private List<String> command(List<String> pythonArgs) {
    List<String> command = new ArrayList<>(List.of(CHROOT, root.toString(), "/usr/bin/env", "-i",
        "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1",
        "PYTHONIOENCODING=utf-8", "TMPDIR=" + inside, PYTHON));
    command.addAll(pythonArgs);
    return command;
  }

  @Override
  public void forgetQueueManagerState(String hostname) throws IOException {
    OsloRuntime.deleteQueueManagerCounters(host("/dev/shm"), hostname);
  }

  @Override
  public void close() throws IOException {
    OsloRuntime.deleteTree(host(inside));
  }

  @Override
  public String toString() {
    return description();
  }
}
