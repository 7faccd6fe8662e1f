package io.fjord.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.wire.WireDescription;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fjord describe}: asks a Fjord server for its endpoints with the reserved method {@code fjord.describe}
 * and prints them as text (or the raw JSON with {@code --json}). One per invocation; not thread-safe.
 */
@Command(name = "describe", sortOptions = false,
    description = {"Describe a Fjord server of the topic: its endpoints (namespace, version) and methods with "
        + "argument names and JSON types, as the server's fjord.describe method reports them.",
        "A name ending in ? is an optional argument. oslo.messaging (Python) servers do not answer it: they refuse "
            + "it with NoSuchMethod (or UnsupportedVersion), and the command exits 1 saying so."},
    footer = {"", "Examples:", "  fjord describe --topic compute --server host-1",
        "  fjord describe --topic compute --json"})
final class DescribeCommand implements Callable<Integer> {
  @ParentCommand
  private FjordCli root;
  @Spec
  private CommandSpec spec;

  @Mixin
  private ServerAddress address;

  @Option(names = "--json", order = 4, description = "Print the raw JSON result (docs/wire-format.md §9), indented")
  private boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, order = 10,
      description = "How long to wait for the answer (default: 10s)")
  private Duration timeout = Duration.ofSeconds(10);

  @Mixin
  private Common common;

  @Override
  public Integer call() {
    Target to;
    try {
      to = address.target();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid target: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Transport transport = common.open(root, null)) {
      JsonNode raw;
      try {
        raw = Descriptions.fetch(transport, to, timeout, Json.context(spec.commandLine(), null));
      } catch (Descriptions.DescribeRefused e) {
        spec.commandLine().getErr().println(FjordCli.redact("fjord describe: " + e.getMessage()));
        spec.commandLine().getErr().flush();
        return FjordCli.REMOTE_ERROR;
      }
      out.print(json ? pretty(raw) + "\n" : Descriptions.text(WireDescription.decode(raw)));
      out.flush();
      return FjordCli.OK;
    }
  }

  private static String pretty(JsonNode node) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }
}
