package io.fjord.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

/** {@code fjord call}: calls a method and prints its JSON result. One per invocation; not thread-safe. */
@Command(name = "call", sortOptions = false,
    description = "Call METHOD on a server of the topic and print the JSON result.",
    footer = {"", "Examples:",
        "  export FJORD_TRANSPORT_URL=rabbit://guest:guest@localhost:5672/",
        "  fjord call --topic compute echo payload=hello",
        "  fjord call --topic compute --server host-1 --version 1.3 get id=42",
        "  fjord call --topic compute --args '{\"seconds\": 30}' \\",
        "      --call-monitor-timeout 10s --timeout 5m sleep"})
final class CallCommand implements Callable<Integer> {
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

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, order = 10,
      description = "How long to wait for the reply, e.g. 5s, 500ms, 2m (default: 60s)")
  private Duration timeout = RpcClient.DEFAULT_TIMEOUT;

  @Option(names = "--call-monitor-timeout", paramLabel = "DURATION", converter = DurationConverter.class, order = 11,
      description = "Ask the server for heartbeats every half of this while the method runs; fail when none comes "
          + "for this long (at least 2s)")
  private Duration callMonitorTimeout;





  @Override
  public Integer call() {
    var arguments = invocation.arguments();
    var ctx = invocation.context();
    var to = target.target();
    RpcClient.Builder builder;
    try (Transport transport = common.open(root, null)) {
      builder = RpcClient.builder(transport, to).timeout(timeout);
      if (callMonitorTimeout != null) {
        try {
          builder.callMonitorTimeout(callMonitorTimeout);
        } catch (IllegalArgumentException e) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--call-monitor-timeout: " + e.getMessage());
        }
      }
      JsonNode result = builder.build().call(ctx, invocation.method, arguments, JsonNode.class);
      spec.commandLine().getOut().println(Json.write(result));
      spec.commandLine().getOut().flush();
      return FjordCli.OK;
    }
  }
}
