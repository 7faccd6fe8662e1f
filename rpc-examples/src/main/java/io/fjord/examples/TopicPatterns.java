package io.fjord.examples;

import io.fjord.notify.NotificationFilter;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.Notifier;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Example 5, topic patterns: a listener subscribing to {@code compute.instance.*} events. oslo routes
 * notifications by {@code <topic>.<priority>} (here {@code <topic>.info} and {@code <topic>.error});
 * the event type travels in the message, so a pattern such as {@code compute.instance.*} is a
 * listener-side {@link NotificationFilter} (a regular expression matched at the start, as Python's
 * {@code re.match}). One listener has three endpoints: compute instance events only, errors of
 * anything, and everything. Exits non-zero when an endpoint sees other events than its filter allows.
 */
public final class TopicPatterns {
  private TopicPatterns() {
  }

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Published in this order: event type, and whether it is an error. */
  static final List<String> EVENTS = List.of(
      "compute.instance.create.end",
      "volume.create.end",
      "compute.instance.resize.error",
      "image.upload",
      "compute.instance.delete.end",
      "volume.attach.error");

  /** An endpoint printing and recording what passes its filter. */
  public static final class Subscriber {
    private final String name;
    private final Tally seen;
    private final PrintStream out;

    Subscriber(String name, Tally seen, PrintStream out) {
      this.name = name;
      this.seen = seen;
      this.out = out;
    }

    public void info(ReceivedNotification n) {
      receive(n);
    }

    public void error(ReceivedNotification n) {
      receive(n);
    }

    private void receive(ReceivedNotification n) {
      out.println("  [" + name + "] " + n.priority() + " " + n.eventType() + " from " + n.publisherId());
      seen.add(name, n.eventType());
    }
  }

  public static void main(String[] args) throws Exception {
    String url = Brokers.pick("");
    if (!run(url, Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) throws InterruptedException {
    String topic = "fjord_patterns_" + id;
    Tally seen = new Tally();
    boolean ok;
    try (Transport transport = Transport.open(TransportUrl.parse(url),
        Brokers.ownExchange(id))) {
      NotificationListener.builder(transport)
          .target(Target.topic(topic))
          .endpoint(new Subscriber("compute.instance.*", seen, out), NotificationFilter.eventType("compute\\.instance\\."))
          .endpoint(new Subscriber("*.error", seen, out), NotificationFilter.eventType(".*\\.error$"))
          .endpoint(new Subscriber("everything", seen, out))
          .build()
          .start();
      out.println("listening on " + topic + ".info and " + topic + ".error with three filtered endpoints");

      Notifier notifier = Notifier.builder(transport).publisherId("host-1").topics(topic)
          .failurePolicy(Notifier.FailurePolicy.THROW).build();
      RequestContext ctx = RequestContext.builder().requestId("req-" + id).build();
      for (String event : EVENTS) {
        Map<String, Object> payload = Map.of("id", "obj-" + EVENTS.indexOf(event));
        if (event.endsWith(".error")) {
          notifier.error(ctx, event, payload);
        } else {
          notifier.info(ctx, event, payload);
        }
      }
      out.println("published " + EVENTS.size() + " notifications: " + EVENTS);

      List<String> compute = EVENTS.stream().filter(e -> e.startsWith("compute.instance.")).toList();
      List<String> errors = EVENTS.stream().filter(e -> e.endsWith(".error")).toList();
      boolean arrived = seen.await(WAIT, t -> t.count("everything") >= EVENTS.size()
          && t.count("compute.instance.*") >= compute.size() && t.count("*.error") >= errors.size());
      // two queues (info, error) and a pool of threads: arrival order is not publication order
      ok = arrived && sameEvents(seen.get("compute.instance.*"), compute) && sameEvents(seen.get("*.error"), errors)
          && sameEvents(seen.get("everything"), EVENTS);
      out.println(ok ? "OK: compute.instance.* saw " + compute.size() + " events, *.error saw " + errors.size()
          + ", everything saw all " + EVENTS.size() + "."
          : "FAILED: seen " + seen.snapshot());
    } finally {
      Declared.by(url, id).notifications(topic, "info", "error").delete(out);
    }
    return ok;
  }

  private static boolean sameEvents(List<String> seen, List<String> expected) {
    return seen.stream().sorted().toList().equals(expected.stream().sorted().toList());
  }
}
