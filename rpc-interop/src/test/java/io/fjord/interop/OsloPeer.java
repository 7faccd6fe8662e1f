package io.fjord.interop;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One Python oslo.messaging peer (a script of {@code src/test/resources/oslo}) run with Debian's
 * {@code /usr/bin/python3}: its stdout is read as JSON lines, its stderr goes to
 * {@code target/oslo-logs/<name>.log}, and commands are written to its stdin as JSON lines.
 *
 * <p>Every wait has a deadline; a failed wait says what was awaited, what the peer printed and the
 * end of its log. {@link #close()} closes stdin (the peer stops its oslo objects and exits), then
 * kills what is still running. Thread-safe.
 */
final class OsloPeer implements AutoCloseable {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  /** Reads what Python's json.dumps prints, NaN and Infinity included. */
  static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build());
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final Path log;
  private final List<JsonNode> lines = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private boolean eof;

  private OsloPeer(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readStdout, "oslo-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code script} (a file name under the {@code oslo} test resources) with {@code args}. */
  static OsloPeer start(String script, List<String> args) throws IOException {
    Path dir = scriptsDir();
    String name = script.replace(".py", "") + "-" + SEQUENCE.incrementAndGet();
    Path logs = Path.of("target", "oslo-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u", dir.resolve(script).toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    Files.writeString(log, String.join(" ", command) + "\n");
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new OsloPeer(name, pb.start(), log);
  }

  static Path scriptsDir() {
    URL url = OsloPeer.class.getResource("/oslo/interop_common.py");
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
   * Fails with a message saying how to install oslo.messaging when {@code /usr/bin/python3} cannot
   * import it: these tests must not pass without it.
   */
  static void requireOsloMessaging() throws IOException, InterruptedException {
    String hint = " (on Debian: apt-get install -y python3-oslo.messaging; bash .ci/run does this)";
    if (!Files.isExecutable(PYTHON)) {
      throw new IllegalStateException("The oslo interop tests need " + PYTHON + " with oslo.messaging" + hint);
    }
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import oslo_messaging, oslo_context")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(PYTHON + " cannot import oslo_messaging" + hint + ": " + out.strip());
    }
  }

  private void readStdout() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          node = JSON.createObjectNode().put("event", "unparsed").put("line", line);
        }
        synchronized (lines) {
          lines.add(node);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process went away; eof below
    } finally {
      synchronized (lines) {
        eof = true;
        lines.notifyAll();
      }
    }
  }

  String name() {
    return name;
  }

  /** Waits for the first line matching {@code matcher}, printed before or after this call. */
  JsonNode await(String what, Duration timeout, Predicate<JsonNode> matcher) {
    return awaitAll(what, 1, timeout, matcher).get(0);
  }

  /** Waits until {@code count} lines match and returns them (all that match, in order). */
  List<JsonNode> awaitAll(String what, int count, Duration timeout, Predicate<JsonNode> matcher) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        List<JsonNode> found = lines.stream().filter(matcher).toList();
        if (found.size() >= count) {
          return found;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || eof) {
          throw new AssertionError((eof ? "The oslo peer " + name + " exited" : "Timed out after " + timeout)
              + " waiting for " + count + " x " + what + " (got " + found.size() + ")" + diagnostics());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lines, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what, e);
        }
      }
    }
  }

  /** The lines printed so far that match. */
  List<JsonNode> lines(Predicate<JsonNode> matcher) {
    synchronized (lines) {
      return lines.stream().filter(matcher).toList();
    }
  }

  /** Waits for {@code {"event": "ready"}}. */
  JsonNode awaitReady() {
    return await("the ready line", Duration.ofSeconds(60), l -> "ready".equals(l.path("event").asText()));
  }

  /** Sends {@code command} with a fresh id and waits for the line answering it. */
  JsonNode request(ObjectNode command, Duration timeout) {
    int id = ids.incrementAndGet();
    command.put("id", id);
    send(command);
    return await("the answer to " + command, timeout, l -> l.path("id").asInt(-1) == id);
  }

  void send(JsonNode command) {
    try {
      synchronized (stdin) {
        stdin.write(JSON.writeValueAsString(command));
        stdin.write('\n');
        stdin.flush();
      }
    } catch (IOException e) {
      throw new AssertionError("cannot write to the oslo peer " + name + diagnostics(), e);
    }
  }

  /** Queue names this peer reported declaring ({@code {"event": "queue"}} and {@code notify_queue} lines). */
  List<String> declaredQueues() {
    return lines(l -> l.path("event").asText().endsWith("queue")).stream().map(l -> l.path("name").asText())
        .distinct().toList();
  }

  String diagnostics() {
    StringBuilder sb = new StringBuilder("\n--- ").append(name).append(" stdout (last lines) ---\n");
    synchronized (lines) {
      lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> sb.append(abbreviate(l.toString())).append('\n'));
    }
    sb.append("--- ").append(log.toAbsolutePath()).append(" (last lines) ---\n");
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      all.subList(Math.max(0, all.size() - 25), all.size()).forEach(l -> sb.append(l).append('\n'));
    } catch (IOException e) {
      sb.append("(unreadable: ").append(e).append(")\n");
    }
    return sb.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 600 ? s.substring(0, 600) + "..." : s;
  }

  /** Asks the peer to stop (stdin EOF); does not wait. */
  void requestStop() {
    try {
      synchronized (stdin) {
        stdin.close();
      }
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** Closes stdin, waits up to {@code grace} for a clean exit, then kills the process. */
  void close(Duration grace) throws InterruptedException {
    requestStop();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    close(Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return "OsloPeer{" + name + ", pid=" + process.pid() + "}";
  }
}
