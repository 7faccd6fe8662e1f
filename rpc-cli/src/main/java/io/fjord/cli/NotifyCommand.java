package io.fjord.cli;

import io.fjord.notify.Notifier;
import io.fjord.notify.Priority;
import io.fjord.rpc.Transport;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fjord notify}: sends one notification in oslo's messagingv2 format. One per invocation; not thread-safe. */
@Command(name = "notify", sortOptions = false,
    description = "Send a notification (oslo messagingv2) to <topic>.<priority> on the exchange.",
    footer = {"", "Example:",
        "  fjord notify --publisher-id compute.host-1 \\",
        "      --event-type compute.instance.create.end --payload '{\"id\": \"vm-1\"}'"})
final class NotifyCommand implements Callable<Integer> {
  @ParentCommand
  private FjordCli root;
  @Spec
  private CommandSpec spec;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", order = 1,
      description = "Exchange (default: the control exchange, openstack)")
  private String exchange;

  @Option(names = "--topic", paramLabel = "TOPIC", order = 2, description = "Notification topic (default: notifications)")
  private String topic = "notifications";

  @Option(names = "--publisher-id", required = true, paramLabel = "ID", order = 3,
      description = "Publisher id, e.g. compute.host-1")
  private String publisherId;

  @Option(names = "--event-type", required = true, paramLabel = "TYPE", order = 4,
      description = "Event type, e.g. compute.instance.create.end")
  private String eventType;

  @Option(names = "--priority", paramLabel = "PRIORITY", order = 5,
      description = "audit, debug, info, warn, error, critical or sample (default: info)")
  private String priority = "info";

  @Option(names = "--payload", paramLabel = "JSON", order = 6, description = "Payload as JSON (default: {})")
  private String payload = "{}";

  @Option(names = "--context", paramLabel = "JSON", order = 7,
      description = "Request context as a JSON object (a request_id is added unless given)")
  private String context;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, order = 10,
      description = "How long to wait for the broker to take it (default: 10s)")
  private Duration timeout = Duration.ofSeconds(10);

  @Mixin
  private Common common;

  @Override
  public Integer call() {
    Priority p;
    try {
      p = Priority.parse(priority);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--priority: " + e.getMessage());
    }
    var body = Json.parse(spec.commandLine(), "--payload", payload);
    var ctx = Json.context(spec.commandLine(), context);
    try (Transport transport = common.open(root, exchange)) {
      Notifier.builder(transport).publisherId(publisherId).topics(topic).timeout(timeout)
          .failurePolicy(Notifier.FailurePolicy.THROW).build()
          .notify(p, ctx, eventType, body);
      spec.commandLine().getOut().println(p.wireName() + " " + eventType + " sent to " + topic + "." + p.routingName()
          + " on exchange " + transport.options().controlExchange());
      spec.commandLine().getOut().flush();
      return FjordCli.OK;
    }
  }
}
