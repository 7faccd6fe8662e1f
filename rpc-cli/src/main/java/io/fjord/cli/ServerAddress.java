package io.fjord.cli;

import io.fjord.rpc.Target;
import picocli.CommandLine.Option;

/**
 * Which server a command asks about itself (ping, describe): {@code --topic}, {@code --server} and
 * {@code --exchange}, without the namespace and version of {@link TargetOptions}. A picocli mixin.
 */
final class ServerAddress {
  @Option(names = "--topic", required = true, paramLabel = "TOPIC", order = 1, description = "Topic")
  String topic;

  @Option(names = "--server", paramLabel = "SERVER", order = 2, description = "One server of the topic (default: any)")
  String server;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", order = 3,
      description = "Exchange (default: the control exchange, openstack)")
  String exchange;

  /** The target these options name; the topic may still be invalid (Target's own checks apply). */
  Target target() {
    return Target.topic(topic).withServer(server).withExchange(exchange);
  }
}
