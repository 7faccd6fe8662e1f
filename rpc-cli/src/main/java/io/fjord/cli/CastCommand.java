package io.fjord.cli;

import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fjord cast}: sends a method without waiting for a result. One per invocation; not thread-safe. */
@Command(name = "cast", sortOptions = false,
    description = "Cast METHOD to a server of the topic (or, with --fanout, to every server) without waiting for a "
        + "result; returns once the broker has the message.",
    footer = {"", "Examples:",
        "  fjord cast --topic compute refresh_cache",
        "  fjord cast --topic compute --fanout echo payload='{\"note\": \"to everyone\"}'"})
final class CastCommand implements Callable<Integer> {
  @ParentCommand
  private FjordCli root;
  @Spec
  private CommandSpec spec;
  @Mixin
  private TargetOptions target;
  @Mixin
  private Common common;

  @Option(names = "--fanout", order = 9, description = "Send to every server of the topic")
  private boolean fanout;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, order = 10,
      description = "How long to wait for the broker to take the message (default: 60s)")
  private Duration timeout = RpcClient.DEFAULT_TIMEOUT;

  @Option(names = "--args", paramLabel = "JSON", order = 12, description = "Keyword arguments as a JSON object")
  private String args;

  @Option(names = "--context", paramLabel = "JSON", order = 13,
      description = "Request context as a JSON object (a request_id is added unless given)")
  private String context;

  @Parameters(index = "0", paramLabel = "METHOD", description = "Method name")
  private String method;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
      description = "Keyword arguments; a value is JSON when it parses as JSON (3, true, \"text\", [1], {}), else a string")
  private List<String> pairs = new ArrayList<>();

  @Override
  public Integer call() {
    var arguments = Json.arguments(spec.commandLine(), args, pairs);
    var ctx = Json.context(spec.commandLine(), context);
    Target to = target.target().withFanout(fanout);
    try (Transport transport = common.open(root, null)) {
      RpcClient.builder(transport, to).timeout(timeout).build().cast(ctx, method, arguments);
      spec.commandLine().getOut().println("cast '" + method + "' to " + to + " accepted by the broker");
      spec.commandLine().getOut().flush();
      return FjordCli.OK;
    }
  }
}
