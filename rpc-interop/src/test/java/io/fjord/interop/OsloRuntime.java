package io.fjord.interop;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

/**
 * Where the oslo peer scripts ({@code src/test/resources/oslo}) run: Debian's own
 * {@code /usr/bin/python3} with oslo.messaging 14.0.3 ({@link HostOslo}), or trixie's oslo.messaging
 * 16.1 in the RabbitMQ 4.x chroot ({@link ChrootOslo}). One per test class: made and checked before
 * the class, {@link #close()}d after it, which removes whatever it put on disk. Not thread-safe
 * except {@link #processBuilder}.
 */
interface OsloRuntime extends AutoCloseable {
  /** The modules every peer imports; checked by {@link #require()}. */
  String IMPORTS = "import oslo_messaging, oslo_context, oslo_concurrency";

  /** What runs the peers, for messages: e.g. {@code oslo.messaging on /usr/bin/python3}. */
  String description();

  /** Fails, saying how to get it, unless this runtime's python imports oslo.messaging. */
  void require() throws IOException, InterruptedException;

  /** A process for {@code script} (a file name under the {@code oslo} resources) with {@code args}. */
  ProcessBuilder processBuilder(String script, List<String> args);

  /**
   * Peers run in a session (and process group) of their own: oslo's queue manager reads
   * {@code /proc/<process group>/stat}, which is gone when the group's leader (the shell that started
   * Maven, say) has exited, and then the peer dies at start.
   */
  String SETSID = "setsid";

  /** Removes the counter oslo's queue manager keeps per {@code hostname} (use_queue_manager). */
  void forgetQueueManagerState(String hostname) throws IOException;

  /** Removes what this runtime created on disk; peers must have stopped. */
  @Override
  void close() throws IOException;

  /** The directory of the peer scripts on the test class path. */
  static Path scriptsDir() {
    URL url = OsloRuntime.class.getResource("/oslo/interop_common.py");
    if (url == null) {
      throw new IllegalStateException("the oslo peer scripts are not on the test class path (src/test/resources/oslo)");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code command} to check an installation: fails with {@code problem}, the command's output
   * and {@code hint} unless it exits 0 within a minute.
   */
  static void check(List<String> command, String problem, String hint) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(problem + " (no answer within 60 s)" + hint);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(problem + hint + (out.isEmpty() ? "" : "\n" + out));
    }
  }

  /**
   * Deletes the counter files of oslo's queue manager for {@code hostname} in {@code shm} (oslo
   * writes {@code /dev/shm/<hostname>_<processname>_qmanager} and never removes them).
   */
  static void deleteQueueManagerCounters(Path shm, String hostname) throws IOException {
    if (!Files.isDirectory(shm)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(shm, hostname + "_*_qmanager")) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** Deletes {@code dir} and everything under it, if it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
