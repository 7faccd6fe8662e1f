package io.fjord.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.Version;
import io.fjord.rpc.client.Expected;
import io.fjord.rpc.client.GatherResult;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.wire.WireDescription;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        "      --call-monitor-timeout 10s --timeout 5m sleep",
        "  fjord call --topic compute --namespace inventory --version 1.2 --validate get_item item_id=42",
        "  fjord call --topic compute --all --expect 3 --timeout 5s health"})
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

  @Option(names = "--validate", order = 14,
      description = "First ask the server for its description (fjord.describe, see 'fjord describe') and send "
          + "nothing when METHOD does not exist for the namespace and version or an argument name or JSON type "
          + "does not match (exit 64). Fjord servers only: an oslo server refuses the description (exit 1)")
  private boolean validate;

  @Option(names = "--all", order = 15,
      description = "Call every server of the topic (scatter-gather) and print one JSON document: \"replies\" by "
          + "Fjord server, \"unattributed\" (oslo servers' replies), \"missing\" (of --expect-servers) and "
          + "\"expectation_met\". Waits for --expect or --expect-servers, else the whole --timeout")
  private boolean all;

  @Option(names = "--expect", paramLabel = "N", order = 16,
      description = "With --all: done once N servers answered; exit 2 when fewer did within --timeout")
  private Integer expectCount;

  @Option(names = "--expect-servers", paramLabel = "NAME[,NAME...]", split = ",", order = 17,
      description = "With --all: done once these Fjord servers answered; exit 2 when one did not within --timeout")
  private List<String> expectServers;

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
      Expected expected = expected(to);
      if (validate) {
        Integer refused = validate(transport, to, ctx, arguments);
        if (refused != null) {
          return refused;
        }
      }
      if (expected != null) {
        return gather(builder.build(), ctx, arguments, expected);
      }
      JsonNode result = builder.build().call(ctx, invocation.method, arguments, JsonNode.class);
      spec.commandLine().getOut().println(Json.write(result));
      spec.commandLine().getOut().flush();
      return FjordCli.OK;
    }
  }

  /** What {@code --all} waits for; null without {@code --all}. */
  private Expected expected(Target to) {
    if (!all) {
      if (expectCount != null || expectServers != null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--expect and --expect-servers go with --all");
      }
      return null;
    }
    if (to.server() != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--all calls every server of the topic; it does not go with --server");
    }
    if (expectCount != null && expectServers != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "give --expect or --expect-servers, not both");
    }
    try {
      return expectCount != null ? Expected.count(expectCount)
          : expectServers != null ? Expected.servers(expectServers) : Expected.untilDeadline();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code --all}: prints what every server answered; exit 2 when what was expected did not all answer. */
  private int gather(RpcClient client, RequestContext ctx, Map<String, JsonNode> arguments, Expected expected) {
    GatherResult<JsonNode> result = client.callAll(ctx, invocation.method, arguments, JsonNode.class, expected);
    Map<String, Object> doc = new LinkedHashMap<>();
    Map<String, Object> replies = new LinkedHashMap<>();
    result.byServer().forEach((server, reply) -> replies.put(server, printable(reply)));
    doc.put("replies", replies);
    doc.put("unattributed", result.unattributed().stream().map(CallCommand::printable).toList());
    doc.put("missing", result.missing());
    doc.put("expectation_met", result.expectationMet());
    spec.commandLine().getOut().println(Json.write(Json.MAPPER.valueToTree(doc)));
    spec.commandLine().getOut().flush();
    return result.expectationMet() ? FjordCli.OK : FjordCli.TIMEOUT;
  }

  /** A reply as printed: its result, or {"failure": {"class", "module", "message"}}. */
  private static Object printable(GatherResult.Reply<JsonNode> reply) {
    if (reply.ok()) {
      return reply.value();
    }
    Map<String, Object> failure = new LinkedHashMap<>();
    if (reply.failure() instanceof RemoteException r) {
      failure.put("class", r.remoteClass());
      failure.put("module", r.remoteModule());
      failure.put("message", r.remoteMessage());
    } else {
      failure.put("class", reply.failure().getClass().getSimpleName());
      failure.put("message", reply.failure().getMessage());
    }
    return Map.of("failure", failure);
  }

  /** Checks the call against the server's description; the exit code when it must not be sent, else null. */
  private Integer validate(Transport transport, Target to, RequestContext ctx, Map<String, JsonNode> arguments) {
    PrintWriter err = spec.commandLine().getErr();
    ServiceDescription description;
    try {
      description = WireDescription.decode(Descriptions.fetch(transport, to, timeout, ctx));
    } catch (Descriptions.DescribeRefused e) {
      err.println(FjordCli.redact("fjord call: --validate: cannot validate, " + e.getMessage() + "; nothing was sent"));
      err.flush();
      return FjordCli.REMOTE_ERROR;
    }
    String problem = problem(description, to, invocation.method, arguments);
    if (problem == null) {
      return null;
    }
    err.println(FjordCli.redact("fjord call: --validate: " + problem + "; nothing was sent"));
    err.flush();
    return FjordCli.USAGE;
  }

  /** What is wrong with calling {@code method} with {@code arguments} on {@code to}, by the description; null: nothing. */
  static String problem(ServiceDescription description, Target to, String method, Map<String, JsonNode> arguments) {
    String where = "namespace " + (to.namespace() == null ? "(default)" : to.namespace()) + " version "
        + (to.version() == null ? "1.0" : to.version());
    var found = description.find(to.namespace(), to.version(), method);
    if (found.isPresent()) {
      return found.get().mismatch(arguments).map(m -> "server " + description.server() + ": " + m).orElse(null);
    }
    List<String> names = new ArrayList<>();
    List<String> endpoints = new ArrayList<>();
    boolean compatible = false;
    for (ServiceDescription.Endpoint e : description.endpoints()) {
      endpoints.add((e.namespace() == null ? "(default)" : e.namespace()) + " " + e.version());
      if (Objects.equals(e.namespace(), to.namespace())
          && Version.isCompatible(e.version(), to.version() == null ? "1.0" : to.version())) {
        compatible = true;
        e.methods().forEach(m -> names.add(m.name()));
      }
    }
    if (!compatible) {
      return "server " + description.server() + " has no endpoint for " + where + " (its endpoints: "
          + String.join(", ", endpoints) + ")";
    }
    return "server " + description.server() + " has no method '" + method + "' for " + where + " (methods there: "
        + String.join(", ", names) + ")";
  }
}
