package io.fjord.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fjord ping}: calls oslo's {@code oslo_rpc_server_ping}, which oslo servers with
 * {@code rpc_ping_enabled} and Fjord servers with {@code enablePing(true)} answer with "pong".
 * One per invocation; not thread-safe.
 */
@Command(name = "ping", sortOptions = false,
    description = "Ping a server of the topic with oslo's oslo_rpc_server_ping (oslo servers need rpc_ping_enabled; "
        + "Fjord servers enablePing(true); fjord serve has it).",
    footer = {"", "Example:", "  fjord ping --topic compute --server host-1 --timeout 2s"})
final class PingCommand implements Callable<Integer> {
  /** oslo's ping method name. */
  static final String METHOD = "oslo_rpc_server_ping";

  @ParentCommand
  private FjordCli root;
  @Spec
  private CommandSpec spec;

  @Mixin
  private ServerAddress address;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, order = 10,
      description = "How long to wait for the pong (default: 5s)")
  private Duration timeout = Duration.ofSeconds(5);

  @Mixin
  private Common common;

  @Override
  public Integer call() {
    Target to = address.target();
    try (Transport transport = common.open(root, null)) {
      long start = System.nanoTime();
      JsonNode reply = RpcClient.builder(transport, to).timeout(timeout).build()
          .call(Json.context(spec.commandLine(), null), METHOD, Map.of(), JsonNode.class);
      long micros = (System.nanoTime() - start) / 1000;
      String text = reply != null && reply.isTextual() ? reply.textValue() : Json.write(reply);
      spec.commandLine().getOut().println(text + " from " + to + " in " + micros / 1000 + "." + (micros % 1000) / 100 + " ms");
      spec.commandLine().getOut().flush();
      return FjordCli.OK;
    }
  }
}
