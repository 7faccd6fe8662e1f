package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.fjord.amqp.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against the test broker: call, cast, ping and serve round trips, notify and listen,
 * exit codes, the URL from the environment, and the shaded jar and bin/fjord as a user runs them.
 * One {@code fjord serve} (in process) answers the RPC tests.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FjordCliIT {
  private static final Map<String, String> NO_ENV = Map.of();
  private static String url;
  private static String exchange;
  private static String topic;
  private static Cli serve;
  private static final List<String> notificationQueues = new ArrayList<>();

  @BeforeAll
  static void startServe() throws Exception {
    String raw = TestBroker.url();
    url = raw + (raw.contains("?") ? "&" : "?") + "auto_delete=true";
    exchange = TestBroker.name("fjord_cli_x");
    topic = TestBroker.name("fjord_cli");
    serve = Cli.start(NO_ENV, "serve", "--url", url, "--exchange", exchange, "--topic", topic, "--server", "s1");
    assertThat(serve.err.await(e -> e.contains("fjord serve: serving"))).as(serve.toString()).isTrue();
  }

  @AfterAll
  static void stopServeAndCleanUp() throws Exception {
    serve.stop.request();
    assertThat(serve.exitCode()).as(serve.toString()).isZero();
    try (Connection c = TestBroker.rawConnection()) {
      TestBroker.delete(c, notificationQueues.toArray(new String[0]), new String[] {exchange});
    }
  }

  private static Cli call(String... args) {
    List<String> all = new ArrayList<>(List.of("call", "--url", url, "--exchange", exchange, "--topic", topic));
    all.addAll(List.of(args));
    return Cli.run(NO_ENV, all.toArray(new String[0]));
  }

  @Test
  void callPrintsTheResultAsJson() throws Exception {
    Cli cli = call("echo", "payload={\"a\": [1, 2], \"b\": \"x\"}");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).isEqualTo("{\"a\":[1,2],\"b\":\"x\"}\n");
    assertThat(serve.out.await(o -> o.contains("\"method\":\"echo\",\"args\":{\"payload\":{\"a\":[1,2],\"b\":\"x\"}}")))
        .as(serve.toString()).isTrue();
  }

  @Test
  void callTakesArgumentsAndContextAsJson() throws Exception {
    Cli cli = call("--args", "{\"payload\": 41}", "--context", "{\"request_id\": \"req-cli-test\", \"user_id\": \"u1\"}",
        "echo", "payload=42");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).isEqualTo("42\n");
    assertThat(serve.out.await(o -> o.contains("\"result\":42,") && o.contains("\"request_id\":\"req-cli-test\"")))
        .as(serve.toString()).isTrue();
  }

  @Test
  void remoteErrorExitsOneWithTheRemoteMessage() throws Exception {
    Cli cli = call("fail", "message=disk on fire");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.REMOTE_ERROR);
    assertThat(cli.out.toString()).isEmpty();
    assertThat(cli.err.toString()).startsWith("fjord call: Remote error: io.fjord.cli.RequestedFailure: "
        + "disk on fire (call 'fail' to Target{exchange=" + exchange);
  }

  @Test
  void unknownMethodExitsOneWithNoSuchMethod() throws Exception {
    Cli cli = call("reboot");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.REMOTE_ERROR);
    assertThat(cli.err.toString()).contains("NoSuchMethod").contains("reboot");
  }

  @Test
  void callThatNobodyAnswersExitsTwo() throws Exception {
    Cli cli = Cli.run(NO_ENV, "call", "--url", url, "--exchange", exchange, "--topic", topic + "_nobody",
        "--timeout", "1s", "echo", "payload=1");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.TIMEOUT);
    assertThat(cli.err.toString()).startsWith("fjord call: Timed out after 1s waiting for a reply to call 'echo'");
  }

  @Test
  void longSleepIsKeptAliveByCallMonitorHeartbeats() throws Exception {
    Cli cli = call("--call-monitor-timeout", "2s", "sleep", "seconds=2.5");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).isEqualTo("2.5\n");
  }

  @Test
  void castReachesTheServer() throws Exception {
    String marker = TestBroker.name("cast");
    Cli cli = Cli.run(NO_ENV, "cast", "--url", url, "--exchange", exchange, "--topic", topic, "echo", "payload=" + marker);

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).contains("cast 'echo' to Target{exchange=" + exchange);
    assertThat(serve.out.await(o -> o.contains("\"result\":\"" + marker + "\""))).as(serve.toString()).isTrue();
  }

  @Test
  void fanoutCastReachesTheServer() throws Exception {
    String marker = TestBroker.name("fanout");
    Cli cli = Cli.run(NO_ENV, "cast", "--url", url, "--exchange", exchange, "--topic", topic, "--fanout", "echo",
        "payload=" + marker);

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).contains("fanout=true");
    assertThat(serve.out.await(o -> o.contains("\"result\":\"" + marker + "\""))).as(serve.toString()).isTrue();
  }

  @Test
  void pingGetsPongWithTheUrlFromTheEnvironment() throws Exception {
    Cli cli = Cli.run(Map.of("FJORD_TRANSPORT_URL", url), "ping", "--exchange", exchange, "--topic", topic,
        "--server", "s1");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).startsWith("pong from Target{exchange=" + exchange + ", topic=" + topic
        + ", server=s1} in ");
  }

  @Test
  void describeListsWhatServeAnswers() throws Exception {
    Cli cli = Cli.run(NO_ENV, "describe", "--url", url, "--exchange", exchange, "--topic", topic, "--server", "s1");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).isEqualTo("topic " + topic + ", server s1 (2 endpoints, in dispatch order):\n"
        + "endpoint (default namespace) 1.0 {\n"
        + "  echo(payload: any) -> any;\n"
        + "  fail(message: string) -> null raises io.fjord.cli.RequestedFailure;\n"
        + "  sleep(seconds: any) -> any;\n"
        + "}\n"
        + "endpoint (default namespace) 1.0 {\n"
        + "  oslo_rpc_server_ping() -> string;\n"
        + "}\n");
  }

  @Test
  void validatedCallWithAnUnknownArgumentIsNotSent() throws Exception {
    Cli cli = call("--validate", "fail", "message=not sent", "code=3");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).isEqualTo("fjord call: --validate: server s1: 'fail' has no argument 'code' (it "
        + "takes fail(message: string) -> null); nothing was sent\n");
    Cli valid = call("--validate", "echo", "payload=\"validated\"");
    assertThat(valid.exitCode()).as(valid.toString()).isZero();
    assertThat(serve.out.await(o -> o.contains("\"payload\":\"validated\""))).as(serve.toString()).isTrue();
    assertThat(serve.out.toString()).doesNotContain("not sent");
  }

  @Test
  void serveWithNamespaceAndVersionDispatchesByThem() throws Exception {
    String versioned = TestBroker.name("fjord_cli_v");
    Cli server = Cli.start(NO_ENV, "serve", "--url", url, "--exchange", exchange, "--topic", versioned,
        "--namespace", "diag", "--version", "1.2");
    try {
      assertThat(server.err.await(e -> e.contains("fjord serve: serving"))).as(server.toString()).isTrue();

      Cli older = Cli.run(NO_ENV, "call", "--url", url, "--exchange", exchange, "--topic", versioned,
          "--namespace", "diag", "--version", "1.1", "echo", "payload=ok");
      Cli newer = Cli.run(NO_ENV, "call", "--url", url, "--exchange", exchange, "--topic", versioned,
          "--namespace", "diag", "--version", "1.3", "echo", "payload=ok");
      Cli ping = Cli.run(NO_ENV, "ping", "--url", url, "--exchange", exchange, "--topic", versioned);

      assertThat(older.exitCode()).as(older.toString()).isZero();
      assertThat(older.out.toString()).isEqualTo("\"ok\"\n");
      assertThat(newer.exitCode()).as(newer.toString()).isEqualTo(FjordCli.REMOTE_ERROR);
      assertThat(newer.err.toString()).contains("UnsupportedVersion: Endpoint does not support RPC version 1.3");
      assertThat(ping.exitCode()).as(ping.toString()).isZero();
    } finally {
      server.stop.request();
    }
    assertThat(server.exitCode()).as(server.toString()).isZero();
    assertThat(server.err.toString()).contains("fjord serve: stopping\nfjord serve: stopped\n");
  }

  @Test
  void listenPrintsFilteredNotificationsAsJsonLinesUntilCount() throws Exception {
    String notifications = TestBroker.name("fjord_cli_n");
    String pool = TestBroker.name("fjord_cli_pool");
    notificationQueues.addAll(List.of(notifications + ".info", notifications + ".error", pool));
    Cli listen = Cli.start(NO_ENV, "listen", "--url", url, "--exchange", exchange, "--topic", notifications,
        "--pool", pool, "--event-type", "compute\\.instance\\.", "--count", "2");
    assertThat(listen.err.await(e -> e.contains("fjord listen: listening"))).as(listen.toString()).isTrue();

    for (String[] n : new String[][] {{"volume.create.end", "info"}, {"compute.instance.create.end", "info"},
        {"compute.instance.delete.error", "error"}}) {
      Cli notify = Cli.run(NO_ENV, "notify", "--url", url, "--exchange", exchange, "--topic", notifications,
          "--publisher-id", "compute.host-1", "--event-type", n[0], "--priority", n[1],
          "--payload", "{\"instance_id\": \"vm-1\"}", "--context", "{\"auth_token\": \"tok\", \"user_id\": \"u1\"}");
      assertThat(notify.exitCode()).as(notify.toString()).isZero();
    }

    assertThat(listen.exitCode()).as(listen.toString()).isZero();
    List<String> lines = listen.out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"priority\":\"INFO\",\"event_type\":"
        + "\"compute.instance.create.end\",\"publisher_id\":\"compute.host-1\",\"payload\":{\"instance_id\":\"vm-1\"},"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"event_type\":\"compute.instance.delete.error\""));
    assertThat(lines).allSatisfy(l -> assertThat(l).contains("\"user_id\":\"u1\"").doesNotContain("\"tok\""));
  }

  @Test
  void listenStopsCleanlyWhenInterrupted() throws Exception {
    Cli listen = Cli.start(NO_ENV, "listen", "--url", url, "--exchange", exchange, "--topic",
        TestBroker.name("fjord_cli_n"), "--pool", TestBroker.name("fjord_cli_pool"), "--priority", "info");
    assertThat(listen.err.await(e -> e.contains("fjord listen: listening"))).as(listen.toString()).isTrue();

    listen.stop.request();

    assertThat(listen.exitCode()).as(listen.toString()).isZero();
  }

  @Test
  void unreachableBrokerExitsSixtyNineWithoutShowingThePassword() throws Exception {
    Cli cli = Cli.run(NO_ENV, "ping", "--url", "rabbit://guest:s3cret@localhost:1/", "--topic", topic);

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.UNAVAILABLE);
    assertThat(cli.err.toString()).startsWith("fjord ping: transport failure: Cannot connect to "
        + "rabbit://guest:****@localhost:1/").doesNotContain("s3cret");
  }

  // ---- the shaded jar and bin/fjord, as a user runs them

  private static final Path JAR = Path.of("target", "fjord.jar");
  private static final Path SCRIPT = Path.of("..", "bin", "fjord");

  @Test
  void shadedJarServesAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    assertThat(JAR).as("the shaded jar (built by mvn package)").exists();
    String sigtermTopic = TestBroker.name("fjord_cli_jar");
    // a file, not a pipe: the JDK closes a child's pipe under a reading thread when the child exits
    Path err = dir.resolve("stderr.txt");
    Process process = new ProcessBuilder("java", "-jar", JAR.toString(), "serve", "--url", url, "--exchange", exchange,
        "--topic", sigtermTopic, "--server", "jar").redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    try {
      assertThat(awaitFileContains(err, "fjord serve: serving")).as(Files.readString(err)).isTrue();
      Cli ping = Cli.run(NO_ENV, "ping", "--url", url, "--exchange", exchange, "--topic", sigtermTopic, "--server", "jar");
      assertThat(ping.exitCode()).as(ping.toString()).isZero();

      process.destroy(); // SIGTERM

      assertThat(process.waitFor(Cli.WAIT.toSeconds(), TimeUnit.SECONDS)).as(Files.readString(err)).isTrue();
      assertThat(Files.readString(err)).endsWith("fjord serve: stopping\nfjord serve: stopped\n");
      assertThat(process.exitValue()).as("exit after SIGTERM (128 + 15)").isEqualTo(143);
    } finally {
      process.destroyForcibly();
    }
  }

  private static boolean awaitFileContains(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + Cli.WAIT.toNanos();
    while (!Files.readString(file).contains(text)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the file, bounded by the deadline
    }
    return true;
  }

  @Test
  void scriptRunsTheJar() throws Exception {
    Process p = new ProcessBuilder("bash", SCRIPT.toString(), "--version").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(Cli.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).isEqualTo("fjord 0.1.0\n");
  }

  @Test
  void scriptWithoutTheJarSaysHowToBuildIt(@TempDir Path checkout) throws Exception {
    Files.createDirectories(checkout.resolve("bin"));
    Path script = Files.copy(SCRIPT, checkout.resolve("bin").resolve("fjord"), StandardCopyOption.COPY_ATTRIBUTES);
    Process p = new ProcessBuilder("bash", script.toString(), "--help").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(Cli.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(127);
    assertThat(output).isEqualTo("fjord: " + checkout.toRealPath().resolve("rpc-cli/target/fjord.jar")
        + " is missing; build it first with: (cd " + checkout.toRealPath() + " && mvn -B -DskipTests package)\n");
  }
}
