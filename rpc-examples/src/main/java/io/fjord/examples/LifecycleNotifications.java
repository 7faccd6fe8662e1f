package io.fjord.examples;

import io.fjord.notify.NotificationFilter;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.Notifier;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Lifecycle notifications as nova emits them: a "compute" service wraps instance operations in
 * {@code compute.instance.<action>.start/.end/.error}, and a listener filtered on
 * {@code compute\.instance\.create\.} sees only the create events.
 */
public final class LifecycleNotifications {

  /** Prints and keeps what it receives. */
  public static final class Printer {
    private final String name;
    final List<String> seen = new ArrayList<>();

    Printer(String name) {
      this.name = name;
    }

    public synchronized void info(ReceivedNotification n) {
      System.out.println("  [" + name + "] INFO  " + n.eventType() + " from " + n.publisherId() + " payload=" + n.payload());
      seen.add(n.eventType());
      notifyAll();
    }

    public synchronized void error(ReceivedNotification n) {
      System.out.println("  [" + name + "] ERROR " + n.eventType() + " payload=" + n.payload());
      seen.add(n.eventType());
      notifyAll();
    }

    synchronized boolean awaitCount(int n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (seen.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  public static void main(String[] args) throws Exception {
    String url = Brokers.pick("auto_delete=true");
    String id = UUID.randomUUID().toString().substring(0, 8);
    String topic = "fjord_demo_notifications_" + id;
    boolean ok;
    try (Transport transport = Transport.open(TransportUrl.parse(url),
        TransportOptions.builder().controlExchange("fjord_demo_" + id).build())) {
      Printer all = new Printer("all events");
      Printer creates = new Printer("creates only");
      // two pools: each pool gets its own copy of every notification (listeners without a pool would
      // compete for the shared <topic>.<priority> queues, as in oslo)
      NotificationListener.builder(transport).target(Target.topic(topic)).pool(topic + "_all").endpoint(all)
          .build().start();
      NotificationListener.builder(transport).target(Target.topic(topic)).pool(topic + "_creates")
          .endpoint(creates, NotificationFilter.eventType("compute\\.instance\\.create\\."))
          .build().start();

      Notifier compute = Notifier.builder(transport).publisherId("compute.host-1").topics(topic)
          .failurePolicy(Notifier.FailurePolicy.THROW).build();
      RequestContext ctx = RequestContext.builder().requestId("req-" + id).userId("alice").projectId("demo").build();

      System.out.println("compute: creating instance vm-1");
      compute.lifecycle(ctx, "compute.instance.create", Map.of("instance_id", "vm-1", "flavor", "m1.small"),
          () -> System.out.println("compute:   ... instance vm-1 is running"));
      System.out.println("compute: deleting instance vm-1 (and failing)");
      try {
        compute.lifecycle(ctx, "compute.instance.delete", Map.of("instance_id", "vm-1"), () -> {
          throw new IllegalStateException("hypervisor unreachable");
        });
      } catch (IllegalStateException expected) {
        System.out.println("compute:   ... delete failed: " + expected.getMessage());
      }

      boolean allArrived = all.awaitCount(4, Duration.ofSeconds(10));
      boolean createsArrived = creates.awaitCount(2, Duration.ofSeconds(10));
      ok = allArrived && createsArrived && creates.seen.stream().allMatch(e -> e.startsWith("compute.instance.create."));
      System.out.println(ok ? "Lifecycle demo finished: 4 events to the unfiltered listener, 2 creates to the filtered one."
          : "Lifecycle demo FAILED: all=" + all.seen + " creates=" + creates.seen);
    }
    Brokers.deleteQueues(url, topic + ".info", topic + ".error");
    if (!ok) {
      System.exit(1);
    }
  }
}
