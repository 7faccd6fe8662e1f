package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * oslo.messaging's own functional suite ({@code oslo_messaging/tests/functional} as python3-oslo.messaging
 * installs it) with Fjord as every RPC server and notification listener: {@code oslo/fjord_oslo_suite.py}
 * runs the installed tests, oslo's clients and the assertions unchanged and replaces only the fixtures that
 * start servers and listeners; those ask an {@link OsloSuiteHost} in this JVM to start Fjord's. Fails when
 * any test not excluded in the shim's {@code EXCLUDED} fails or is skipped, with the suite's output (each
 * failing test's traceback and captured logs). Subclasses choose the oslo runtime, broker and options (not
 * {@code use_queue_manager}: the suite's clients have no {@code lock_path}).
 */
abstract class OsloFunctionalSuiteContract {
  /** The suite takes about a minute with 4 workers; its longest tests wait 15 s for nothing to arrive. */
  private static final Duration DEADLINE = Duration.ofMinutes(10);
  private static final int WORKERS = 4;
  private static final Pattern SUMMARY = Pattern.compile(
      "functional suite against Fjord: (\\d+) tests, (\\d+) run, (\\d+) passed, (\\d+) failed, (\\d+) excluded");

  private final OsloSetup setup;

  OsloFunctionalSuiteContract(OsloSetup setup) {
    this.setup = setup;
  }

  @Test
  void osloMessagingsFunctionalSuitePassesWithFjordServersAndListeners() throws Exception {
    // both fail naming what to install or start when the broker or oslo.messaging is missing
    String url = setup.brokerUrl();
    try (OsloRuntime runtime = setup.newRuntime(); OsloSuiteHost host = OsloSuiteHost.start()) {
      runtime.require();
      List<String> args = new ArrayList<>(List.of("--url", url, "--fjord-host", host.address(),
          "--workers", String.valueOf(WORKERS)));
      setup.options().forEach((name, value) -> args.add("--option=" + name + "=" + value));
      ProcessBuilder pb = runtime.processBuilder("fjord_oslo_suite.py", args).redirectErrorStream(true);
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
      Path logs = Files.createDirectories(Path.of("target", "oslo-logs"));
      Files.writeString(logs.resolve(getClass().getSimpleName() + ".out"), out);

      assertThat(finished).as("the suite finished within %s; its output so far:%n%s", DEADLINE, out).isTrue();
      Matcher m = SUMMARY.matcher(out);
      assertThat(m.find()).as("the suite's summary line in its output:%n%s", out).isTrue();
      int tests = Integer.parseInt(m.group(1));
      int run = Integer.parseInt(m.group(2));
      int passed = Integer.parseInt(m.group(3));
      int excluded = Integer.parseInt(m.group(5));
      assertThat(suite.exitValue()).as("the suite's exit status; its output:%n%s", out).isZero();
      assertThat(run).as("tests run").isPositive().isEqualTo(tests - excluded);
      assertThat(passed).as("tests passed of %d run; the output:%n%s", run, out).isEqualTo(run);
    }
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
