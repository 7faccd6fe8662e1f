package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.amqp.TestBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * oslo.messaging's own functional suite ({@code oslo_messaging/tests/functional} as Debian's
 * python3-oslo.messaging 14.0.3 installs it) with Fjord as every RPC server and notification listener:
 * {@code oslo/fjord_oslo_suite.py} runs the installed tests and assertions unchanged and replaces only
 * the fixtures that start servers and listeners, which start Fjord's in an {@link OsloSuiteHost} JVM.
 * Fails when any test not excluded in the shim's {@code EXCLUDED} fails or is skipped, with the
 * failing tests' output. Against the system RabbitMQ 3.10.
 */
class OsloFunctionalSuiteIT {
  private static final Path PYTHON = HostOslo.PYTHON;
  private static final String HINT = " (on Debian: apt-get install -y python3-oslo.messaging python3-oslotest"
      + " python3-testscenarios python3-requests; bash .ci/run does this)";
  /** The suite takes about a minute with 4 workers; its longest tests wait 15 s for nothing to arrive. */
  private static final Duration DEADLINE = Duration.ofMinutes(10);
  private static final Pattern SUMMARY = Pattern.compile(
      "functional suite against Fjord: (\\d+) tests, (\\d+) run, (\\d+) passed, (\\d+) failed, (\\d+) excluded");

  @Test
  void osloMessagingsFunctionalSuitePassesWithFjordServersAndListeners() throws Exception {
    String url = TestBroker.url(); // fails naming the ways to get a broker when none answers
    OsloRuntime.check(List.of(PYTHON.toString(), "-c", "import oslo_messaging, oslotest, testscenarios, requests"),
        PYTHON + " cannot import oslo.messaging's functional suite and what it needs", HINT);
    Path logs = Path.of("target", "oslo-suite-logs").toAbsolutePath();
    Files.createDirectories(logs);

    ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), "-u",
        OsloRuntime.scriptsDir().resolve("fjord_oslo_suite.py").toString(), "--workers", "4")
        .directory(logs.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("RPC_TRANSPORT_URL", url);
    env.put("NOTIFY_TRANSPORT_URL", url);
    env.put("FJORD_SUITE_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("FJORD_SUITE_CLASSPATH", System.getProperty("java.class.path"));
    env.put("FJORD_SUITE_LOG_DIR", logs.toString());
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.put("PYTHONIOENCODING", "utf-8");

    Process suite = pb.start();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> copy(suite, output), "oslo-suite-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished = suite.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      suite.descendants().forEach(ProcessHandle::destroyForcibly);
      suite.destroyForcibly();
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    String out;
    synchronized (output) {
      out = output.toString();
    }
    Files.writeString(logs.resolve("suite.out"), out);
    String where = "\n(worker and Fjord host logs: " + logs + ")";
    assertThat(finished).as("the suite finished within %s; its output so far:%n%s%s", DEADLINE, out, where).isTrue();
    Matcher m = SUMMARY.matcher(out);
    assertThat(m.find()).as("the suite's summary line in its output:%n%s%s", out, where).isTrue();
    int tests = Integer.parseInt(m.group(1));
    int run = Integer.parseInt(m.group(2));
    int passed = Integer.parseInt(m.group(3));
    int excluded = Integer.parseInt(m.group(5));
    assertThat(suite.exitValue()).as("the suite's exit status; its output:%n%s%s", out, where).isZero();
    assertThat(run).as("tests run").isPositive().isEqualTo(tests - excluded);
    assertThat(passed).as("tests passed of %d run; the output:%n%s%s", run, out, where).isEqualTo(run);
  }

  /** Echoes the suite's lines to this test's output as they come and keeps them for the assertions. */
  private static void copy(Process suite, StringBuilder output) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(suite.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.out.println(line);
        synchronized (output) {
          output.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      // the process was killed; what was read is kept
    }
  }
}
