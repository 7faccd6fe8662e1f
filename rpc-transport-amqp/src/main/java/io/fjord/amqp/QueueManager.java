package io.fjord.amqp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * oslo's queue manager ({@code use_queue_manager}): stable names {@code <hostname>:<processname>:<n>}
 * for reply and fanout queues instead of random ones, so a restarted process finds its queues again
 * and a broker does not accumulate one name (an Erlang atom, with quorum queues) per process start.
 *
 * <p>{@code n} counts 1, 2, 3... from each process start, shared by the transports of a process and,
 * through a small locked file (in {@code /dev/shm} when present, as oslo's, or the directory of the
 * system property {@value #DIRECTORY_PROPERTY}), by processes running at
 * the same time with the same host and process name: a process that finds no other live process in the
 * file starts again at 1 (its predecessor's names), one that finds others continues their count, so two
 * live processes never share a name. Thread-safe.
 */
final class QueueManager {
  private final String hostname;
  private final String processname;
  private final Path file;
  private final String self;

  QueueManager(String hostname, String processname) {
    this.hostname = hostname != null ? hostname : localHostname();
    this.processname = processname != null ? processname : defaultProcessName();
    Path dir = directory();
    this.file = dir.resolve("fjord_" + safe(this.hostname) + "_" + safe(this.processname) + "_qmanager");
    ProcessHandle me = ProcessHandle.current();
    this.self = me.pid() + " " + me.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("0");
  }

  /** System property naming the directory of the count files, instead of /dev/shm (the tests use target/). */
  static final String DIRECTORY_PROPERTY = "fjord.queue-manager.dir";

  private static Path directory() {
    String configured = System.getProperty(DIRECTORY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured);
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("use_queue_manager: cannot create " + dir + " (" + DIRECTORY_PROPERTY + ")", e);
      }
      return dir;
    }
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  String hostname() {
    return hostname;
  }

  String processname() {
    return processname;
  }

  /** The next name suffix, {@code <hostname>:<processname>:<n>}. */
  String next() {
    return hostname + ":" + processname + ":" + nextCount();
  }

  /**
   * The file holds the last count on its first line, then one {@code <pid> <start millis>} line per
   * process that took a count; entries of processes that ended are dropped when read.
   */
  private int nextCount() {
    // one JVM-wide monitor: file locks are per process, and two transports may share the file
    synchronized (QueueManager.class) {
      return nextCountLocked();
    }
  }

  private int nextCountLocked() {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
      ch.read(buf, 0);
      String[] lines = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).split("\n");
      int count = 0;
      List<String> live = new ArrayList<>();
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].trim();
        if (i == 0) {
          try {
            count = Integer.parseInt(line);
          } catch (NumberFormatException e) {
            count = 0;
          }
        } else if (!line.isEmpty() && (line.equals(self) || alive(line))) {
          live.add(line);
        }
      }
      if (live.isEmpty()) {
        count = 0; // no process of this name runs: start over, reusing the names of the last one
      }
      if (!live.contains(self)) {
        live.add(self);
      }
      count++;
      byte[] out = (count + "\n" + String.join("\n", live) + "\n").getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(out), 0);
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException("use_queue_manager: cannot update " + file, e);
    }
  }

  /**
   * The last count handed out for {@code hostname} and {@code processname} (0 when none), so that a
   * test can delete the queues a queue manager named: {@code <hostname>:<processname>:1..count}.
   */
  static int lastCount(String hostname, String processname) {
    QueueManager qm = new QueueManager(hostname, processname);
    synchronized (QueueManager.class) {
      try {
        String first = Files.readAllLines(qm.file, StandardCharsets.UTF_8).stream().findFirst().orElse("0").trim();
        return Integer.parseInt(first);
      } catch (IOException | NumberFormatException e) {
        return 0;
      }
    }
  }

  /** Deletes the count file of {@code hostname} and {@code processname} (tests clean up after themselves). */
  static void forget(String hostname, String processname) {
    QueueManager qm = new QueueManager(hostname, processname);
    synchronized (QueueManager.class) {
      try {
        Files.deleteIfExists(qm.file);
      } catch (IOException ignored) {
        // nothing to forget
      }
    }
  }

  private static boolean alive(String entry) {
    String[] parts = entry.split(" ");
    try {
      long pid = Long.parseLong(parts[0]);
      long start = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .map(p -> p.info().startInstant().map(i -> i.toEpochMilli() == start).orElse(true))
          .orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** As Python's {@code socket.gethostname()}: the kernel's host name, without a DNS lookup. */
  static String localHostname() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /**
   * As oslo's {@code basename(sys.argv[0])}: the jar's file name without {@code .jar}, or the main
   * class's simple name; {@code java} when neither is known.
   */
  static String defaultProcessName() {
    String command = System.getProperty("sun.java.command", "").trim();
    if (command.isEmpty()) {
      return "java";
    }
    String first = command.split(" ")[0];
    if (first.toLowerCase(Locale.ROOT).endsWith(".jar")) {
      String name = Path.of(first).getFileName().toString();
      return name.substring(0, name.length() - 4);
    }
    return first.substring(first.lastIndexOf('.') + 1);
  }
}
