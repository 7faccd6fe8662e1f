package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** What the command line does before it needs a broker: help, bad arguments, URLs, parsing. */
class FjordCliTest {
  private static final Map<String, String> NO_ENV = Map.of();

  @ParameterizedTest
  @ValueSource(strings = {"call", "cast", "notify", "listen", "ping", "describe", "serve"})
  void everyCommandHasHelp(String command) throws Exception {
    Cli cli = Cli.run(NO_ENV, command, "--help");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).startsWith("Usage: fjord " + command).contains("--url=URL").contains("Exit codes:");
  }

  @Test
  void topLevelHelpListsTheCommands() throws Exception {
    Cli cli = Cli.run(NO_ENV, "--help");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out.toString()).contains("call", "cast", "notify", "listen", "ping", "describe", "serve", "FJORD_TRANSPORT_URL");
  }

  @Test
  void noCommandIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV);

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord: Missing a command: call, cast, notify, listen, ping, describe or serve");
  }

  @Test
  void missingTopicIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "call", "--url", "memory://", "echo");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).isEqualTo("fjord call: Missing required option: '--topic=TOPIC'\n"
        + "Try 'fjord call --help' for more information.\n");
  }

  @Test
  void missingUrlNamesTheOptionAndTheEnvironmentVariable() throws Exception {
    Cli cli = Cli.run(NO_ENV, "ping", "--topic", "t");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord ping: No transport URL: pass --url URL or set FJORD_TRANSPORT_URL "
        + "(e.g. rabbit://localhost:5672/, which connects as guest)\n");
  }

  @Test
  void argumentWithoutEqualsSignIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "call", "--url", "memory://", "--topic", "t", "echo", "hello");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord call: Argument 'hello' is not key=value (e.g. name=world, count=3, ");
  }

  @Test
  void invalidJsonArgumentsAreAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "cast", "--url", "memory://", "--topic", "t", "--args", "{bad", "echo");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord cast: Invalid JSON for --args: ");
  }

  @Test
  void argumentsMustBeAJsonObject() throws Exception {
    Cli cli = Cli.run(NO_ENV, "call", "--url", "memory://", "--topic", "t", "--args", "[1, 2]", "echo");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord call: --args must be a JSON object, got array [1,2]\n");
  }

  @Test
  void badDurationIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "call", "--url", "memory://", "--topic", "t", "--timeout", "5x", "echo");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).contains("'5x' is not a duration (e.g. 5s, 500ms, 1.5s, 2m, 10)");
  }

  @Test
  void callMonitorTimeoutBelowTwoSecondsIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "call", "--url", "memory://", "--topic", "t", "--call-monitor-timeout", "1s", "sleep");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord call: --call-monitor-timeout: callMonitorTimeout must be at least 2s");
  }

  @Test
  void unknownPriorityIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "notify", "--url", "memory://", "--publisher-id", "p", "--event-type", "e",
        "--priority", "loud");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord notify: --priority: Unknown notification priority 'loud'");
  }

  @Test
  void invalidEventTypeRegexIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "listen", "--url", "memory://", "--event-type", "compute.(");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord listen: --event-type is not a regular expression: ");
  }

  @Test
  void unknownSchemeIsAUsageErrorThatHidesThePassword() throws Exception {
    Cli cli = Cli.run(NO_ENV, "ping", "--url", "zmq://user:s3cret@host/", "--topic", "t");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord ping: No transport driver for scheme 'zmq' (URL zmq://user:****@host/)")
        .doesNotContain("s3cret");
  }

  @Test
  void mistypedOptionDoesNotEchoThePassword() throws Exception {
    Cli cli = Cli.run(NO_ENV, "ping", "--uurl", "rabbit://user:s3cret@host/", "--topic", "t");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).contains("rabbit://user:****@host/").doesNotContain("s3cret");
  }

  @Test
  void unknownUrlOptionIsAUsageError() throws Exception {
    Cli cli = Cli.run(NO_ENV, "ping", "--url", "memory://?heartbeat=1", "--topic", "t");

    assertThat(cli.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).startsWith("fjord ping: Invalid transport URL memory:///?heartbeat=1: "
        + "The memory:// transport takes no options, got [heartbeat]");
  }

  @Test
  void redactHidesEveryUrlPassword() {
    assertThat(FjordCli.redact("a rabbit://u:p@h:1/ and amqp://x:y%40z@h2/v, kept: rabbit://h/ and u:p"))
        .isEqualTo("a rabbit://u:****@h:1/ and amqp://x:****@h2/v, kept: rabbit://h/ and u:p");
  }

  @Test
  void keyValueArgumentsAreJsonWhenTheyParseElseStrings() {
    assertThat(Json.value("3").isInt()).isTrue();
    assertThat(Json.value("true").isBoolean()).isTrue();
    assertThat(Json.value("{\"a\": [1]}").isObject()).isTrue();
    assertThat(Json.value("\"42\"").textValue()).isEqualTo("42");
    assertThat(Json.value("world").textValue()).isEqualTo("world");
    assertThat(Json.value("2024-01-01").textValue()).isEqualTo("2024-01-01");
    assertThat(Json.value("").textValue()).isEmpty();
  }

  @Test
  void durationsReadAsPeopleTypeThem() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("10")).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.convert("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> c.convert("0s")).isInstanceOf(TypeConversionException.class)
        .hasMessage("'0s' must be a positive duration");
  }
}
