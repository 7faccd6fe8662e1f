package io.fjord.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.notify.NotificationFilter;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.NotificationResult;
import io.fjord.notify.Priority;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fjord listen}: prints notifications as JSON lines until interrupted (or {@code --count}
 * notifications). Notifications are handled one at a time, in arrival order per queue. One per
 * invocation; not thread-safe.
 */
@Command(name = "listen", sortOptions = false,
    description = {"Print notifications as JSON lines until interrupted (Ctrl-C) or --count of them.",
        "Without --pool it consumes the shared <topic>.<priority> queues, competing with other listeners without a "
            + "pool (as oslo listeners do); with --pool it gets its own copy of every notification in the queue "
            + "named POOL, which stays on the broker after it exits."},
    footer = {"", "Examples:",
        "  fjord listen --pool fjord-tail --event-type 'compute\\.instance\\.'",
        "  fjord listen --topic notifications --priority error --count 1"})
final class ListenCommand implements Callable<Integer> {
  @ParentCommand
  private FjordCli root;
  @Spec
  private CommandSpec spec;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", order = 1,
      description = "Exchange (default: the control exchange, openstack)")
  private String exchange;

  @Option(names = "--topic", paramLabel = "TOPIC", order = 2, description = "Notification topic (default: notifications)")
  private String topic = "notifications";

  @Option(names = "--pool", paramLabel = "POOL", order = 3,
      description = "Listener pool: a queue of its own that receives every notification")
  private String pool;

  @Option(names = "--event-type", paramLabel = "REGEX", order = 4,
      description = "Only event types matching REGEX at their start (Python's re.match), e.g. 'compute\\.instance\\.'")
  private String eventType;

  @Option(names = "--priority", paramLabel = "PRIORITY", split = ",", order = 5,
      description = "Priorities to receive, comma-separated (default: all of audit, debug, info, warn, error, "
          + "critical, sample)")
  private List<String> priorities = new ArrayList<>();

  @Option(names = "--count", paramLabel = "N", order = 6, description = "Exit after N notifications")
  private Long count;

  @Mixin
  private Common common;

  @Override
  public Integer call() throws InterruptedException {
    Set<Priority> wanted = priorities();
    NotificationFilter filter = filter();
    if (count != null && count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Sink sink = new Sink(out, count, root.stop());
    ExecutorService oneAtATime = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fjord-listen");
      t.setDaemon(true);
      return t;
    });
    try (Transport transport = common.open(root, null)) {
      NotificationListener.Builder builder = NotificationListener.builder(transport)
          .target(Target.topic(topic).withExchange(exchange))
          .pool(pool)
          .allowRequeue(true)  // what arrives after --count is reached goes back to its queue
          .executor(oneAtATime);
      for (Priority p : wanted) {
        builder.endpoint(ENDPOINTS.get(p.ordinal()).apply(sink), filter);
      }
      NotificationListener listener = builder.build();
      listener.start();
      err.println("fjord listen: listening on exchange " + (exchange != null ? exchange : transport.options().controlExchange())
          + " for " + topic + ".{" + String.join(",", wanted.stream().map(Priority::routingName).toList()) + "}"
          + (pool != null ? " in pool " + pool : "") + (count != null ? " until " + count + " notification(s)" : "")
          + "; Ctrl-C to stop");
      err.flush();
      root.stop().await();
      listener.close();
    } finally {
      oneAtATime.shutdownNow();
    }
    out.flush();
    return FjordCli.OK;
  }

  private Set<Priority> priorities() {
    if (priorities.isEmpty()) {
      return EnumSet.allOf(Priority.class);
    }
    Set<Priority> set = EnumSet.noneOf(Priority.class);
    for (String p : priorities) {
      try {
        set.add(Priority.parse(p));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--priority: " + e.getMessage());
      }
    }
    return set;
  }

  private NotificationFilter filter() {
    if (eventType == null) {
      return NotificationFilter.ALL;
    }
    try {
      return NotificationFilter.eventType(eventType);
    } catch (PatternSyntaxException e) {
      throw new ParameterException(spec.commandLine(), "--event-type is not a regular expression: " + e.getDescription()
          + " in '" + eventType + "'");
    }
  }

  /** Prints notifications as JSON lines; after {@code limit} of them asks the command to stop. */
  static final class Sink {
    private final PrintWriter out;
    private final Long limit;
    private final StopSignal stop;
    private final AtomicLong printed = new AtomicLong();

    Sink(PrintWriter out, Long limit, StopSignal stop) {
      this.out = out;
      this.limit = limit;
      this.stop = stop;
    }

    NotificationResult accept(ReceivedNotification n) {
      if (limit != null && printed.get() >= limit) {
        return NotificationResult.REQUEUE;
      }
      ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("priority", n.priority().wireName());
      line.put("event_type", n.eventType());
      line.put("publisher_id", n.publisherId());
      line.set("payload", n.payload());
      line.put("message_id", n.metadata().messageId());
      line.put("timestamp", n.metadata().timestamp());
      line.set("context", Json.context(n.context()));
      out.println(Json.write(line));
      out.flush();
      if (limit != null && printed.incrementAndGet() >= limit) {
        stop.request();
      }
      return NotificationResult.HANDLED;
    }
  }

  // One endpoint class per priority: a listener binds the queues of the priorities its endpoints have
  // methods for, so --priority chooses by which of these it registers.

  /** Receives AUDIT notifications. */
  public static final class AuditTail {
    private final Sink sink;

    AuditTail(Sink sink) {
      this.sink = sink;
    }

    public NotificationResult audit(ReceivedNotification n) {
      return sink.accept(n);
    }
  }

  /** Receives DEBUG notifications. */
  public static final class DebugTail {
    private final Sink sink;

    DebugTail(Sink sink) {
      this.sink = sink;
    }

    public NotificationResult debug(ReceivedNotification n) {
      return sink.accept(n);
    }
  }

  /** Receives INFO notifications. */
  public static final class InfoTail {
    private final Sink sink;

    InfoTail(Sink sink) {
      this.sink = sink;
    }

    public NotificationResult info(ReceivedNotification n) {
      return sink.accept(n);
    }
  }

  /** Receives WARN notifications. */
  public static final class WarnTail {
    private final Sink sink;

    WarnTail(Sink sink) {
      this.sink = sink;
    }

    public NotificationResult warn(ReceivedNotification n) {
      return sink.accept(n);
    }
  }

  /** Receives ERROR notifications. */
  public static final class ErrorTail {
    private final Sink sink;

    ErrorTail(Sink sink) {
      this.sink = sink;
    }

    public NotificationResult error(ReceivedNotification n) {
      return sink.accept(n);
    }
  }

  /** Receives CRITICAL notifications. */
  public static final class CriticalTail {
    private final Sink sink;

    CriticalTail(Sink sink) {
      this.sink = sink;
    }

    public NotificationResult critical(ReceivedNotification n) {
      return sink.accept(n);
    }
  }

  /** Receives SAMPLE notifications. */
  public static final class SampleTail {
    private final Sink sink;

    SampleTail(Sink sink) {
      this.sink = sink;
    }

    public NotificationResult sample(ReceivedNotification n) {
      return sink.accept(n);
    }
  }

  /** Endpoint factories in {@link Priority} order. */
  private static final List<Function<Sink, Object>> ENDPOINTS = List.of(AuditTail::new, DebugTail::new, InfoTail::new, WarnTail::new,
      ErrorTail::new, CriticalTail::new, SampleTail::new);
}
