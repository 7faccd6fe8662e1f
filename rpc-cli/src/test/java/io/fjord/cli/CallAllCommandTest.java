package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.server.RpcServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code fjord call --all} against two Fjord servers on {@code memory://}, each test on its own topic. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallAllCommandTest {
  private Transport transport;
  private String topic;

  /** Answers with its name, or fails for "boom". */
  public static final class Named {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    public String whoami(String mood) {
      if ("boom".equals(mood) && name.equals("host-2")) {
        throw new IllegalStateException("host-2 is grumpy");
      }
      return name;
    }
  }

  @BeforeEach
  void startServers() {
    topic = "callall_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    transport = Transport.open("memory://");
    for (String name : List.of("host-1", "host-2")) {
      RpcServer.builder(transport, Target.topic(topic).withServer(name)).endpoint(new Named(name)).build().start();
    }
  }

  @AfterEach
  void closeServers() {
    transport.close(); // closes its servers
  }

  private Cli run(String... args) {
    List<String> all = new ArrayList<>(List.of("call", "--url", "memory://", "--topic", topic));
    all.addAll(List.of(args));
    return Cli.run(Map.of(), all.toArray(new String[0]));
  }

  @Test
  void callAllPrintsEveryServersReplyByName() throws Exception {
    Cli cli = run("--all", "--expect", "2", "whoami", "mood=fine");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    JsonNode doc = Json.MAPPER.readTree(cli.out.toString());
    assertThat(doc.path("replies").path("host-1").asText()).isEqualTo("host-1");
    assertThat(doc.path("replies").path("host-2").asText()).isEqualTo("host-2");
    assertThat(doc.path("unattributed")).isEmpty();
    assertThat(doc.path("expectation_met").asBoolean()).isTrue();
  }

  @Test
  void aFailingServerIsPrintedAsItsFailureAndAMissingOneExitsTwo() throws Exception {
    Cli cli = run("--all", "--expect-servers", "host-1,host-2,host-3", "--timeout", "1s", "whoami", "mood=boom");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.TIMEOUT);
    JsonNode doc = Json.MAPPER.readTree(cli.out.toString());
    assertThat(doc.path("replies").path("host-1").asText()).isEqualTo("host-1");
    assertThat(doc.path("replies").path("host-2").path("failure").path("class").asText())
        .isEqualTo("IllegalStateException");
    assertThat(doc.path("replies").path("host-2").path("failure").path("message").asText())
        .isEqualTo("host-2 is grumpy");
    assertThat(doc.path("missing").toString()).isEqualTo("[\"host-3\"]");
    assertThat(doc.path("expectation_met").asBoolean()).isFalse();
  }

  @Test
  void allDoesNotGoWithServerNorExpectWithoutAll() throws Exception {
    Cli withServer = run("--all", "--server", "host-1", "whoami");
    assertThat(withServer.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(withServer.err.toString()).contains("--all calls every server of the topic");

    Cli expectAlone = run("--expect", "2", "whoami");
    assertThat(expectAlone.exitCode()).isEqualTo(FjordCli.USAGE);
    assertThat(expectAlone.err.toString()).contains("--expect and --expect-servers go with --all");
  }
}
