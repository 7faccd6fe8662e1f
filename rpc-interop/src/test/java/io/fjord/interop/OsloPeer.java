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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One Python oslo.messaging peer (a script of {@code src/test/resources/oslo}) run in an
 * {@link OsloRuntime} (the host's oslo 14.0.3 or the chroot's 16.1): its stdout is read as JSON
 * lines, its stderr goes to {@code target/oslo-logs/<name>.log}, and commands are written to its
 * stdin as JSON lines.
 *
 * <p>Every wait has a deadline; a failed wait says what was awaited, what the peer printed and the
 * end of its log. {@link #close()} closes stdin (the peer stops its oslo objects and exits), then
 * kills what is still running (the process and anything it started). Thread-safe.
 */
final class OsloPeer implements AutoCloseable {
  /** Reads what Python's json.dumps prints, NaN and Infinity included. */
  static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build());
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String name;
  private final String script;
  private final Process process;
  private final Writer stdin;
  private final Path log;
  private final List<JsonNode> lines = new ArrayList<>();
  /** Where {@link #forward} sends matching lines; guarded by {@code lines}. */
  private final List<Forward> forwards = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private boolean eof;

  private OsloPeer(String name, String script, Process process, Path log) {
    this.name = name;
    this.script = script;
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readStdout, "oslo-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** A fresh peer name for {@code script}: {@code rpc_server-3}; also its processname on the broker. */
  static String nextName(String script) {
    return script.replace(".py", "") + "-" + SEQUENCE.incrementAndGet();
  }

  /**
   * Starts {@code script} (a file name under the {@code oslo} test resources) with {@code args} in
   * {@code runtime}, logging to {@code target/oslo-logs/<name>.log}.
   */
  static OsloPeer start(OsloRuntime runtime, String name, String script, List<String> args) throws IOException {
    Path logs = Path.of("target", "oslo-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    ProcessBuilder pb = runtime.processBuilder(script, args);
    Files.writeString(log, "# " + runtime.description() + "\n"
        + pb.command().stream().map(OsloPeer::redact).collect(Collectors.joining(" ")) + "\n");
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new OsloPeer(name, script, pb.start(), log);
  }

  /** {@code s} with the password of a URL's user info replaced by {@code ****}. */
  static String redact(String s) {
    return s.replaceAll("(://|,)([^:/@,]*):[^@/,]*@", "$1$2:****@");
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
          for (Forward f : forwards) {
            f.offer(node);
          }
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

  /** oslo's {@code connection_name} of this peer's connections without its uuid: {@code rpc_server.py:<pid>}. */
  String osloConnectionName() {
    return script + ":" + process.pid();
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

  private record Forward(Predicate<JsonNode> matcher, Consumer<JsonNode> sink) {
    void offer(JsonNode line) {
      if (matcher.test(line)) {
        sink.accept(line);
      }
    }
  }

  /**
   * Hands every line matching {@code matcher}, printed before or after this call, to {@code sink}
   * (on the peer's reader thread; the sink must not call back into this peer), so a test can wait
   * on what Python and Java endpoints saw in one place.
   */
  void forward(Predicate<JsonNode> matcher, Consumer<JsonNode> sink) {
    Forward f = new Forward(matcher, sink);
    synchronized (lines) {
      lines.forEach(f::offer);
      forwards.add(f);
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
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("The oslo peer " + name + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
      }
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
