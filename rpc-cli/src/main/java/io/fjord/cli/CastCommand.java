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
  @Mixin
  private InvocationOptions invocation;

  @Option(names = "--fanout", order = 9, description = "Send to every server of the topic")
  private boolean fanout;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, order = 10,
      description = "How long to wait for the broker to take the message (default: 60s)")
  private Duration timeout = RpcClient.DEFAULT_TIMEOUT;





  @Override
  public Integer call() {
    var arguments = invocation.arguments();
    var ctx = invocation.context();
    Target to = target.target().withFanout(fanout);
    try (Transport transport = common.open(root, null)) {
      RpcClient.builder(transport, to).timeout(timeout).build().cast(ctx, invocation.method, arguments);
      spec.commandLine().getOut().println("cast '" + invocation.method + "' to " + to + " accepted by the broker");
      spec.commandLine().getOut().flush();
      return FjordCli.OK;
    }
  }
}
