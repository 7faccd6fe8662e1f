package io.fjord.cli;

import io.fjord.rpc.Target;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where an RPC command sends (call, cast, ping) or listens (serve): {@code --topic}, {@code --server},
 * {@code --exchange}, {@code --namespace}, {@code --version}. Not thread-safe.
 */
final class TargetOptions {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--topic", required = true, paramLabel = "TOPIC", order = 1, description = "Topic")
  String topic;

  @Option(names = "--server", paramLabel = "SERVER", order = 2,
      description = "One server of the topic (default: any server; serve: this host's name)")
  String server;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", order = 3,
      description = "Exchange (default: the control exchange, openstack)")
  String exchange;

  @Option(names = "--namespace", paramLabel = "NAMESPACE", order = 4,
      description = "Endpoint namespace (default: none)")
  String namespace;

  @Option(names = "--version", paramLabel = "X.Y", order = 5,
      description = "Interface version: of the message (call, cast) or of the endpoint (serve); default none (1.0)")
  String version;

  /** The target the options describe. */
  Target target() {
    try {
      return Target.topic(topic).withServer(server).withExchange(exchange).withNamespace(namespace).withVersion(version);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), "Invalid target: " + e.getMessage());
    }
  }
}
