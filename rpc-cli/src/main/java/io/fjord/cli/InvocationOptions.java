package io.fjord.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The method, keyword arguments and context of {@code fjord call} and {@code fjord cast} (a picocli mixin). */
final class InvocationOptions {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--args", paramLabel = "JSON", order = 12, description = "Keyword arguments as a JSON object")
  private String args;

  @Option(names = "--context", paramLabel = "JSON", order = 13,
      description = "Request context as a JSON object (a request_id is added unless given)")
  private String context;

  @Parameters(index = "0", paramLabel = "METHOD", description = "Method name")
  String method;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
      description = "Keyword arguments; a value is JSON when it parses as JSON (3, true, \"text\", [1], {}), else a string")
  private List<String> pairs = new ArrayList<>();

  /** The keyword arguments from --args and KEY=VALUE pairs. */
  Map<String, JsonNode> arguments() {
    return Json.arguments(command.commandLine(), args, pairs);
  }

  /** The request context from --context. */
  RequestContext context() {
    return Json.context(command.commandLine(), context);
  }
}
