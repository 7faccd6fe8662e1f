package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.annotation.ExpectedExceptions;
import io.fjord.rpc.annotation.NonBlocking;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.server.RpcServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code fjord describe} and {@code fjord call --validate} against Fjord servers on the in-process
 * {@code memory://} transport (all memory transports of a JVM share one bus), each test on its own topic.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DescribeCommandTest {
  private static final Map<String, String> NO_ENV = Map.of();

  private final Inventory inventory = new Inventory();
  private Transport transport;
  private String topic;

  @BeforeEach
  void startServer() {
    topic = "describe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    transport = Transport.open("memory://");
    RpcServer.builder(transport, Target.topic(topic).withServer("host-1")).endpoint(inventory).enablePing(true)
        .build().start();
    RpcServer.builder(transport, Target.topic(topic).withServer("closed")).endpoint(new Inventory())
        .introspection(false).build().start();
  }

  @AfterEach
  void closeServers() {
    transport.close(); // closes its servers
  }

  private Cli run(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args[0], "--url", "memory://", "--topic", topic));
    all.addAll(List.of(args).subList(1, args.length));
    return Cli.run(NO_ENV, all.toArray(new String[0]));
  }

  @Test
  void describePrintsEndpointsAndMethodsAsText() throws Exception {
    Cli cli = run("describe", "--server", "host-1");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).isEqualTo("topic " + topic + ", server host-1 (2 endpoints, in dispatch order):\n"
        + "endpoint inventory 1.2 {\n"
        + "  get_item(item_id: integer) -> object raises io.fjord.cli.ItemMissing;\n"
        + "  names(prefix?: string) -> array;  // non-blocking\n"
        + "  touch(tags: object, weight: number) -> null;\n"
        + "}\n"
        + "endpoint (default namespace) 1.0 {\n"
        + "  oslo_rpc_server_ping() -> string;\n"
        + "}\n");
  }

  @Test
  void describeWithJsonPrintsTheRawResult() throws Exception {
    Cli cli = run("describe", "--server", "host-1", "--json");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    JsonNode json = Json.MAPPER.readTree(cli.out.toString());
    assertThat(json.path("format").asInt()).isEqualTo(1);
    assertThat(json.path("topic").asText()).isEqualTo(topic);
    assertThat(json.path("server").asText()).isEqualTo("host-1");
    JsonNode getItem = json.path("endpoints").path(0).path("methods").path(0);
    assertThat(getItem.toString()).isEqualTo("{\"name\":\"get_item\",\"params\":[{\"name\":\"item_id\",\"type\":"
        + "\"integer\",\"required\":true}],\"returns\":\"object\",\"since\":null,\"expected_exceptions\":"
        + "[\"io.fjord.cli.ItemMissing\"],\"cast\":false,\"non_blocking\":false}");
    assertThat(cli.out.toString()).contains("\n  \"endpoints\" : [");
  }

  @Test
  void describeOfAServerWithoutIntrospectionExitsOneAndSaysWhy() throws Exception {
    Cli cli = run("describe", "--server", "closed");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.REMOTE_ERROR);
    assertThat(cli.out.toString()).isEmpty();
    assertThat(cli.err.toString()).isEqualTo("fjord describe: Target{topic=" + topic + ", server=closed} does not "
        + "answer fjord.describe: it is an oslo.messaging (Python) server, or a Fjord server built with "
        + "introspection(false) (the server said NoSuchMethod: Endpoint does not support RPC method fjord.describe)\n");
  }

  @Test
  void validatedCallWithMatchingArgumentsIsSent() throws Exception {
    Cli cli = run("call", "--server", "host-1", "--namespace", "inventory", "--version", "1.1", "--validate",
        "get_item", "item_id=42");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out.toString()).isEqualTo("{\"id\":42}\n");
    assertThat(inventory.calls.get()).isEqualTo(1);
  }

  @Test
  void validateRefusesAnUnknownMethodBeforeSending() throws Exception {
    Cli cli = run("call", "--server", "host-1", "--namespace", "inventory", "--version", "1.2", "--validate",
        "get", "item_id=42");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).isEqualTo("fjord call: --validate: server host-1 has no method 'get' for "
        + "namespace inventory version 1.2 (methods there: get_item, names, touch); nothing was sent\n");
    assertThat(inventory.calls.get()).isZero();
  }

  @Test
  void validateRefusesANamespaceOrVersionNoEndpointServes() throws Exception {
    Cli cli = run("call", "--server", "host-1", "--namespace", "inventory", "--version", "1.3", "--validate",
        "get_item", "item_id=42");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.USAGE);
    assertThat(cli.err.toString()).isEqualTo("fjord call: --validate: server host-1 has no endpoint for namespace "
        + "inventory version 1.3 (its endpoints: inventory 1.2, (default) 1.0); nothing was sent\n");
    assertThat(inventory.calls.get()).isZero();
  }

  @Test
  void validateRefusesAWrongJsonTypeAnUnknownAndAMissingArgument() throws Exception {
    Cli wrongType = run("call", "--server", "host-1", "--namespace", "inventory", "--version", "1.2", "--validate",
        "get_item", "item_id=forty-two");
    Cli unknown = run("call", "--server", "host-1", "--namespace", "inventory", "--version", "1.2", "--validate",
        "get_item", "item_id=42", "colour=red");
    Cli missing = run("call", "--server", "host-1", "--namespace", "inventory", "--version", "1.2", "--validate",
        "touch", "weight=1.5");

    assertThat(wrongType.exitCode()).as(wrongType.toString()).isEqualTo(FjordCli.USAGE);
    assertThat(wrongType.err.toString()).isEqualTo("fjord call: --validate: server host-1: argument 'item_id' of "
        + "'get_item' must be integer, got string \"forty-two\"; nothing was sent\n");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(FjordCli.USAGE);
    assertThat(unknown.err.toString()).isEqualTo("fjord call: --validate: server host-1: 'get_item' has no argument "
        + "'colour' (it takes get_item(item_id: integer) -> object); nothing was sent\n");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(FjordCli.USAGE);
    assertThat(missing.err.toString()).isEqualTo("fjord call: --validate: server host-1: 'touch' needs argument "
        + "'tags' (it takes touch(tags: object, weight: number) -> null); nothing was sent\n");
    assertThat(inventory.calls.get()).isZero();
  }

  @Test
  void validateAgainstAServerWithoutIntrospectionSendsNothing() throws Exception {
    Cli cli = run("call", "--server", "closed", "--namespace", "inventory", "--version", "1.2", "--validate",
        "get_item", "item_id=42");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(FjordCli.REMOTE_ERROR);
    assertThat(cli.err.toString()).startsWith("fjord call: --validate: cannot validate, Target{topic=" + topic
        + ", server=closed} does not answer fjord.describe: it is an oslo.messaging (Python) server, or a Fjord "
        + "server built with introspection(false) (the server said NoSuchMethod: ").endsWith("; nothing was sent\n");
  }

  /** The endpoint described; counts the calls that reached it. */
  @RpcEndpoint(namespace = "inventory", version = "1.2")
  public static final class Inventory {
    final AtomicInteger calls = new AtomicInteger();

    @RpcMethod("get_item")
    @ExpectedExceptions(ItemMissing.class)
    public Map<String, Object> get(@Param("item_id") long id) {
      calls.incrementAndGet();
      return Map.of("id", id);
    }

    @NonBlocking
    public List<String> names(@Param(value = "prefix", required = false) String prefix) {
      calls.incrementAndGet();
      return List.of();
    }

    public void touch(@Param("tags") Map<String, String> tags, @Param("weight") double weight) {
      calls.incrementAndGet();
    }
  }
}

/** {@link DescribeCommandTest.Inventory}'s expected exception. */
class ItemMissing extends RuntimeException {
  private static final long serialVersionUID = 1L;
}
