package io.fjord.examples;

import io.fjord.notify.NotificationListener;
import io.fjord.notify.Notifier;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Example 7, lifecycle notifications as nova emits them: a "compute" service wraps instance
 * operations in {@link Notifier#lifecycle}, which sends {@code compute.instance.<action>.start} and
 * {@code .end} (INFO), or {@code .error} (ERROR) when the operation throws. Two listener pools receive
 * them: {@code billing} with two listeners sharing the pool's queue (competing consumers: each
 * event reaches one of them) and {@code audit} with one. Each pool gets every event exactly once.
 * Exits non-zero otherwise.
 */
public final class LifecycleNotifications {
  private LifecycleNotifications() {
  }

  static final List<String> EVENTS = List.of("compute.instance.create.start", "compute.instance.create.end",
      "compute.instance.delete.start", "compute.instance.delete.error");
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A listener endpoint: prints and records what its listener receives, under its pool's name. */
  public static final class Recorder {
    private final String pool;
    private final String listener;
    private final Tally byPool;
    private final Tally byListener;
    private final PrintStream out;

    Recorder(String pool, String listener, Tally byPool, Tally byListener, PrintStream out) {
      this.pool = pool;
      this.listener = listener;
      this.byPool = byPool;
      this.byListener = byListener;
      this.out = out;
    }

    public void info(ReceivedNotification n) {
      receive(n);
    }

    public void error(ReceivedNotification n) {
      receive(n);
    }

    private void receive(ReceivedNotification n) {
      out.println("  [" + listener + "] " + n.priority() + " " + n.eventType() + " payload=" + n.payload());
      byListener.add(listener, n.eventType());
      byPool.add(pool, n.eventType());
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) throws InterruptedException {
    String topic = "fjord_lifecycle_" + id;
    // a pool is a queue name: give it this run's suffix so runs never share one
    String billingQueue = "fjord_billing_" + id;
    String auditQueue = "fjord_audit_" + id;
    Tally byPool = new Tally();
    Tally byListener = new Tally();
    boolean ok;
    try (Transport transport = Transport.open(TransportUrl.parse(url),
        Brokers.ownExchange(id))) {
      for (String listener : List.of("billing-1", "billing-2")) {
        NotificationListener.builder(transport).target(Target.topic(topic)).pool(billingQueue)
            .endpoint(new Recorder("billing", listener, byPool, byListener, out))
            .build().start();
      }
      NotificationListener.builder(transport).target(Target.topic(topic)).pool(auditQueue)
          .endpoint(new Recorder("audit", "audit-1", byPool, byListener, out))
          .build().start();
      out.println("pool billing (billing-1, billing-2) and pool audit (audit-1) listen on topic " + topic);

      Notifier compute = Notifier.builder(transport).publisherId("compute.host-1").topics(topic)
          .failurePolicy(Notifier.FailurePolicy.THROW).build();
      RequestContext ctx = RequestContext.builder().requestId("req-" + id).userId("alice").projectId("demo").build();

      out.println("compute: creating instance vm-1");
      compute.lifecycle(ctx, "compute.instance.create", Map.of("instance_id", "vm-1", "flavor", "m1.small"),
          () -> out.println("compute:   ... instance vm-1 is running"));
      out.println("compute: deleting instance vm-1 (and failing)");
      Runnable failingDelete = () -> {
        throw new IllegalStateException("hypervisor unreachable");
      };
      try {
        compute.lifecycle(ctx, "compute.instance.delete", Map.of("instance_id", "vm-1"), failingDelete);
      } catch (IllegalStateException expected) {
        out.println("compute:   ... delete failed: " + expected.getMessage());
      }

      boolean arrived = byPool.await(WAIT, t -> t.count("billing") >= EVENTS.size() && t.count("audit") >= EVENTS.size());
      ok = arrived && exactly(byPool.get("billing")) && exactly(byPool.get("audit"));
      out.println("billing-1 got " + byListener.get("billing-1") + ", billing-2 got " + byListener.get("billing-2"));
      out.println(ok ? "OK: each pool received all " + EVENTS.size() + " events exactly once (billing shared them "
          + "between its two listeners)." : "FAILED: per pool " + byPool.snapshot());
    } finally {
      Declared.by(url, id).notifications(topic, "info", "error").queue(billingQueue).queue(auditQueue).delete(out);
    }
    return ok;
  }

  /** True when {@code seen} holds every event once (in any order: two queues, many threads). */
  private static boolean exactly(List<String> seen) {
    return seen.size() == EVENTS.size() && new HashSet<>(seen).equals(new HashSet<>(EVENTS));
  }
}
