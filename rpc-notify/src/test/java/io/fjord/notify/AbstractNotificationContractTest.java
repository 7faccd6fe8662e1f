package io.fjord.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.Capability;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.spi.SendOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notifier and NotificationListener behaviour every transport must show; subclasses give the URL.
 * Every test uses its own exchange and topics and closes what it opens.
 */
public abstract class AbstractNotificationContractTest {
  static final Duration WAIT = Duration.ofSeconds(15);

  /** The transport URL under test. */
  protected abstract String transportUrl();

  /** Deletes what a test declared on the broker (queues and the exchange); nothing for memory://. */
  protected void cleanUp(String exchange, List<String> queues) throws Exception {
  }

  protected String exchange;
  protected String topic;
  protected final List<String> queues = new ArrayList<>();
  private final List<Transport> transports = new ArrayList<>();
  private final List<NotificationListener> listeners = new ArrayList<>();

  @BeforeEach
  void names() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    exchange = "nx_" + id;
    topic = "nt_" + id;
  }

  @AfterEach
  void closeAll() throws Exception {
    listeners.forEach(NotificationListener::close);
    transports.forEach(Transport::close);
    for (Priority p : Priority.values()) {
      queues.add(topic + "." + p.routingName());
      queues.add(topic + "_dlq." + p.routingName());
      queues.add(topic + "_b." + p.routingName());
    }
    cleanUp(exchange, queues);
  }

  protected Transport transport() {
    return transport(Duration.ofSeconds(10));
  }

  protected Transport transport(Duration closeTimeout) {
    Transport t = Transport.open(TransportUrl.parse(transportUrl()),
        TransportOptions.builder().controlExchange(exchange).closeTimeout(closeTimeout).build());
    transports.add(t);
    return t;
  }

  /**
   * Skips a test of a capability the driver declares it lacks: the contract holds each driver to what it
   * says it supports (and builders refuse the rest, tested in CapabilityTest).
   */
  protected static void assumeCapability(Transport t, Capability capability) {
    org.junit.jupiter.api.Assumptions.assumeTrue(t.supports(capability),
        () -> t.url().scheme() + ":// does not declare " + capability);
  }

  private NotificationListener started(NotificationListener.Builder b) {
    NotificationListener l = b.build();
    l.start();
    listeners.add(l);
    return l;
  }

  /** Records what each priority method received. */
  public static class AllPriorities {
    final Recorder<String> seen = new Recorder<>();
    final Recorder<ReceivedNotification> received = new Recorder<>();

    private void record(String prio, RequestContext ctx, String publisher, String event, Map<String, Object> payload,
                        ReceivedNotification.Metadata md) {
      received.add(new ReceivedNotification(ctx, publisher, event, Priority.parse(prio),
          io.fjord.rpc.wire.WireJson.MAPPER.valueToTree(payload), md));
      seen.add(prio + ":" + event);
    }

    public void audit(RequestContext c, String p, String e, Map<String, Object> pl, ReceivedNotification.Metadata m) {
      record("audit", c, p, e, pl, m);
    }

    public void debug(RequestContext c, String p, String e, Map<String, Object> pl, ReceivedNotification.Metadata m) {
      record("debug", c, p, e, pl, m);
    }

    public void info(RequestContext c, String p, String e, Map<String, Object> pl, ReceivedNotification.Metadata m) {
      record("info", c, p, e, pl, m);
    }

    public void warn(RequestContext c, String p, String e, Map<String, Object> pl, ReceivedNotification.Metadata m) {
      record("warn", c, p, e, pl, m);
    }

    public void error(RequestContext c, String p, String e, Map<String, Object> pl, ReceivedNotification.Metadata m) {
      record("error", c, p, e, pl, m);
    }

    public void critical(RequestContext c, String p, String e, Map<String, Object> pl, ReceivedNotification.Metadata m) {
      record("critical", c, p, e, pl, m);
    }

    public void sample(RequestContext c, String p, String e, Map<String, Object> pl, ReceivedNotification.Metadata m) {
      record("sample", c, p, e, pl, m);
    }
  }

  /** Records every info notification. */
  public static class InfoRecorder {
    final Recorder<ReceivedNotification> received = new Recorder<>();

    public void info(ReceivedNotification n) {
      received.add(n);
    }
  }

  @Test
  void everyPriorityReachesItsMethodWithSanitizedContextAndMetadata() throws Exception {
    Transport t = transport();
    AllPriorities endpoint = new AllPriorities();
    started(NotificationListener.builder(t).target(Target.topic(topic)).endpoint(endpoint));
    Notifier notifier = Notifier.builder(t).publisherId("compute.host-1").topics(topic)
        .failurePolicy(Notifier.FailurePolicy.THROW).build();
    RequestContext ctx = RequestContext.builder().requestId("req-1").userId("u-1").projectId("p-1")
        .roles(List.of("reader")).authToken("secret-token").put("custom_secret", "x").build();
    notifier.audit(ctx, "e.audit", Map.of("n", 1));
    notifier.debug(ctx, "e.debug", Map.of("n", 2));
    notifier.info(ctx, "e.info", Map.of("n", 3));
    notifier.warning(ctx, "e.warn", Map.of("n", 4));
    notifier.error(ctx, "e.error", Map.of("n", 5));
    notifier.critical(ctx, "e.critical", Map.of("n", 6));
    notifier.sample(ctx, "e.sample", Map.of("n", 7));

    List<String> seen = endpoint.seen.awaitCount(7, WAIT);
    assertThat(seen).containsExactlyInAnyOrder("audit:e.audit", "debug:e.debug", "info:e.info", "warn:e.warn",
        "error:e.error", "critical:e.critical", "sample:e.sample");
    ReceivedNotification n = endpoint.received.snapshot().stream().filter(r -> r.eventType().equals("e.info")).findFirst()
        .orElseThrow();
    assertThat(n.publisherId()).isEqualTo("compute.host-1");
    assertThat(n.payload().get("n").asInt()).isEqualTo(3);
    assertThat(n.context().requestId()).isEqualTo("req-1");
    assertThat(n.context().userId()).isEqualTo("u-1");
    assertThat(n.context().roles()).containsExactly("reader");
    assertThat(n.context().containsKey("auth_token")).as("auth_token is not sent").isFalse();
    assertThat(n.context().containsKey("custom_secret")).isFalse();
    assertThat(n.metadata().messageId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(n.metadata().timestamp()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?");
  }

  @Test
  void notificationsSentBeforeAnyListenerWaitInTheirQueue() throws Exception {
    Transport t = transport();
    Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build()
        .info(RequestContext.empty(), "early.bird", Map.of());
    InfoRecorder endpoint = new InfoRecorder();
    started(NotificationListener.builder(t).target(Target.topic(topic)).endpoint(endpoint));
    assertThat(endpoint.received.awaitCount(1, WAIT).get(0).eventType()).isEqualTo("early.bird");
  }

  @Test
  void aNotifierWithTwoTopicsSendsTheSameMessageToEach() throws Exception {
    Transport t = transport();
    InfoRecorder a = new InfoRecorder();
    InfoRecorder b = new InfoRecorder();
    started(NotificationListener.builder(t).target(Target.topic(topic)).endpoint(a));
    started(NotificationListener.builder(t).target(Target.topic(topic + "_b")).endpoint(b));
    Notifier.builder(t).publisherId("p").topics(topic, topic + "_b").failurePolicy(Notifier.FailurePolicy.THROW).build()
        .info(RequestContext.empty(), "two.topics", Map.of("x", 1));
    ReceivedNotification na = a.received.awaitCount(1, WAIT).get(0);
    ReceivedNotification nb = b.received.awaitCount(1, WAIT).get(0);
    assertThat(na.metadata().messageId()).isEqualTo(nb.metadata().messageId());
  }

  @Test
  void eachPoolGetsEveryNotificationAndListenersInAPoolShareThem() throws Exception {
    Transport t = transport();
    InfoRecorder billing = new InfoRecorder();
    InfoRecorder audit1 = new InfoRecorder();
    InfoRecorder audit2 = new InfoRecorder();
    String billingPool = topic + "_billing";
    String auditPool = topic + "_audit";
    queues.add(billingPool);
    queues.add(auditPool);
    started(NotificationListener.builder(t).target(Target.topic(topic)).pool(billingPool).endpoint(billing));
    started(NotificationListener.builder(t).target(Target.topic(topic)).pool(auditPool).endpoint(audit1));
    started(NotificationListener.builder(transport()).target(Target.topic(topic)).pool(auditPool).endpoint(audit2));
    Notifier notifier = Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build();
    int n = 40;
    for (int i = 0; i < n; i++) {
      notifier.info(RequestContext.empty(), "pool.event", Map.of("i", i));
    }
    assertThat(billing.received.awaitCount(n, WAIT)).hasSize(n);
    Recorder<Object> total = new Recorder<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (audit1.received.size() + audit2.received.size() < n && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    Set<Integer> ids = new HashSet<>();
    audit1.received.snapshot().forEach(r -> ids.add(r.payload().get("i").asInt()));
    audit2.received.snapshot().forEach(r -> ids.add(r.payload().get("i").asInt()));
    assertThat(audit1.received.size() + audit2.received.size()).as("each notification once in the audit pool").isEqualTo(n);
    assertThat(ids).hasSize(n);
    assertThat(audit1.received.size()).as("listener 1 got a share").isPositive();
    assertThat(audit2.received.size()).as("listener 2 got a share").isPositive();
    assertThat(total.size()).isZero();
  }

  @Test
  void filtersLetOnlyMatchingEventsThrough() throws Exception {
    Transport t = transport();
    InfoRecorder instances = new InfoRecorder();
    InfoRecorder everything = new InfoRecorder();
    started(NotificationListener.builder(t).target(Target.topic(topic))
        .endpoint(instances, NotificationFilter.builder().eventType("compute\\.instance\\.").publisherId("compute\\.").build())
        .endpoint(everything));
    Notifier notifier = Notifier.builder(t).publisherId("compute.host-1").topics(topic)
        .failurePolicy(Notifier.FailurePolicy.THROW).build();
    notifier.info(RequestContext.empty(), "compute.instance.create.end", Map.of());
    notifier.info(RequestContext.empty(), "network.port.create.end", Map.of());
    notifier.prepare("scheduler.host-1").info(RequestContext.empty(), "compute.instance.delete.end", Map.of());
    notifier.info(RequestContext.empty(), "compute.instance.delete.end", Map.of());
    everything.received.awaitCount(4, WAIT);
    assertThat(instances.received.snapshot()).extracting(ReceivedNotification::eventType)
        .containsExactlyInAnyOrder("compute.instance.create.end", "compute.instance.delete.end");
  }

  /** Fails a configurable number of times, then handles. */
  public static class Flaky {
    final AtomicInteger attempts = new AtomicInteger();
    final int failures;
    final boolean throwInsteadOfRequeue;
    final Recorder<String> handled = new Recorder<>();
    /** Event types of the attempts that failed, recorded before the endpoint fails. */
    final Recorder<String> failed = new Recorder<>();

    Flaky(int failures, boolean throwInsteadOfRequeue) {
      this.failures = failures;
      this.throwInsteadOfRequeue = throwInsteadOfRequeue;
    }

    public NotificationResult info(ReceivedNotification n) {
      if (n.eventType().equals("marker")) {
        handled.add("marker");
        return NotificationResult.HANDLED;
      }
      if (attempts.incrementAndGet() <= failures) {
        failed.add(n.eventType());
        if (throwInsteadOfRequeue) {
          throw new IllegalStateException("boom " + attempts.get());
        }
        return NotificationResult.REQUEUE;
      }
      handled.add(n.eventType());
      return NotificationResult.HANDLED;
    }
  }

  @Test
  void requeuedNotificationIsDeliveredAgainUntilHandled() throws Exception {
    Transport t = transport();
    assumeCapability(t, Capability.REQUEUE);
    Flaky flaky = new Flaky(2, false);
    started(NotificationListener.builder(t).target(Target.topic(topic)).allowRequeue(true).endpoint(flaky));
    Notifier.builder(t).publisherId("p").topics(topic).build().info(RequestContext.empty(), "flaky", Map.of());
    assertThat(flaky.handled.awaitCount(1, WAIT)).containsExactly("flaky");
    assertThat(flaky.attempts.get()).isEqualTo(3);
  }

  @Test
  void poisonNotificationGoesToTheDeadLetterTopicAfterTheRedeliveryLimit() throws Exception {
    Transport t = transport();
    assumeCapability(t, Capability.REQUEUE);
    Flaky poison = new Flaky(Integer.MAX_VALUE, true);
    InfoRecorder dlq = new InfoRecorder();
    started(NotificationListener.builder(t).target(Target.topic(topic)).allowRequeue(true).maxRedeliveries(3)
        .deadLetterTopic(topic + "_dlq").endpoint(poison));
    started(NotificationListener.builder(t).target(Target.topic(topic + "_dlq")).endpoint(dlq));
    Notifier.builder(t).publisherId("p").topics(topic).build().info(RequestContext.empty(), "poison", Map.of("v", 1));
    ReceivedNotification dead = dlq.received.awaitCount(1, WAIT).get(0);
    assertThat(dead.eventType()).isEqualTo("poison");
    assertThat(dead.payload().get("v").asInt()).isEqualTo(1);
    assertThat(poison.attempts.get()).as("1 delivery + 3 redeliveries").isEqualTo(4);
  }

  @Test
  void poisonNotificationWithoutDeadLetterTopicIsDroppedNotLooped() throws Exception {
    Transport t = transport();
    Flaky poison = new Flaky(Integer.MAX_VALUE, true);
    started(NotificationListener.builder(t).target(Target.topic(topic)).allowRequeue(true).maxRedeliveries(2)
        .endpoint(poison));
    Notifier notifier = Notifier.builder(t).publisherId("p").topics(topic).build();
    notifier.info(RequestContext.empty(), "poison", Map.of());
    poison.failed.awaitCount(3, WAIT);
    // a later notification is served, and the poison one did not come back in between
    notifier.info(RequestContext.empty(), "marker", Map.of());
    poison.handled.awaitCount(1, WAIT);
    assertThat(poison.attempts.get()).isEqualTo(3);
  }

  @Test
  void withoutAllowRequeueAFailingEndpointDropsTheNotification() throws Exception {
    Transport t = transport();
    Flaky flaky = new Flaky(1, true);
    started(NotificationListener.builder(t).target(Target.topic(topic)).endpoint(flaky));
    Notifier notifier = Notifier.builder(t).publisherId("p").topics(topic).build();
    notifier.info(RequestContext.empty(), "once", Map.of());
    // the listener dispatches on a pool: wait for the failed attempt itself before sending the marker, so the
    // marker queues behind "once" and a redelivered "once" would come before it
    flaky.failed.awaitCount(1, WAIT);
    notifier.info(RequestContext.empty(), "marker", Map.of());
    flaky.handled.awaitUntil(l -> l.contains("marker"), WAIT, "marker");
    assertThat(flaky.attempts.get()).as("deliveries of \"once\"").isEqualTo(1);
    assertThat(flaky.handled.snapshot()).doesNotContain("once");
  }

  /** Records batch sizes. */
  public static class Batches {
    final Recorder<Integer> sizes = new Recorder<>();

    public void info(List<ReceivedNotification> batch) {
      sizes.add(batch.size());
    }
  }

  @Test
  void batchListenerDeliversFullBatchesAndFlushesTheRestOnTimeout() throws Exception {
    Transport t = transport();
    Notifier notifier = Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build();
    // queue them first so the batches fill deterministically
    notifier.info(RequestContext.empty(), "warm.up", Map.of());
    Batches batches = new Batches();
    for (int i = 1; i < 12; i++) {
      notifier.info(RequestContext.empty(), "b" + i, Map.of());
    }
    started(NotificationListener.builder(t).target(Target.topic(topic)).batch(5, Duration.ofMillis(500)).endpoint(batches));
    List<Integer> sizes = batches.sizes.awaitUntil(l -> l.stream().mapToInt(Integer::intValue).sum() >= 12, WAIT, "12 notifications");
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
    assertThat(sizes).allMatch(s -> s <= 5);
    assertThat(sizes).contains(5);
  }

  @Test
  void batchListenerFillsABatchLargerThanThePrefetchWithoutWaitingForItsTimeout() throws Exception {
    // found by oslo.messaging's functional suite (test_simple_batch): with the AMQP driver's default prefetch
    // of 64 a batch of 100 never filled; every batch waited out the timeout with at most 64 notifications
    Transport t = transport();
    Notifier notifier = Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build();
    notifier.info(RequestContext.empty(), "warm.up", Map.of());
    for (int i = 1; i < 150; i++) {
      notifier.info(RequestContext.empty(), "b" + i, Map.of());
    }
    Batches batches = new Batches();
    // a timeout far beyond WAIT: only a full batch can arrive in time
    started(NotificationListener.builder(t).target(Target.topic(topic)).batch(100, Duration.ofMinutes(5)).endpoint(batches));
    List<Integer> sizes = batches.sizes.awaitCount(1, WAIT);
    assertThat(sizes.get(0)).as("the first batch").isEqualTo(100);
  }

  /** Blocks on the first notification until released; records the rest. */
  public static class Stuck {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final Recorder<Integer> done = new Recorder<>();

    public void info(ReceivedNotification n) throws InterruptedException {
      if (entered.getCount() > 0) {
        entered.countDown();
        release.await(20, TimeUnit.SECONDS);
        throw new IllegalStateException("killed mid-processing");
      }
      done.add(n.payload().get("i").asInt());
    }
  }

  @Test
  void aListenerKilledMidStreamLosesNothing() throws Exception {
    Transport notifierTransport = transport();
    Notifier notifier = Notifier.builder(notifierTransport).publisherId("p").topics(topic)
        .failurePolicy(Notifier.FailurePolicy.THROW).build();
    int n = 20;
    for (int i = 0; i < n; i++) {
      notifier.info(RequestContext.empty(), "stream", Map.of("i", i));
    }
    // closing does not wait for the stuck endpoint: like a killed process
    Transport doomed = transport(Duration.ZERO);
    Stuck stuck = new Stuck();
    NotificationListener first = NotificationListener.builder(doomed).target(Target.topic(topic))
        .executor(Runnable::run).endpoint(stuck).build();
    first.start();
    assertThat(stuck.entered.await(10, TimeUnit.SECONDS)).isTrue();
    // the process "dies": its connection goes away with unacknowledged deliveries
    Thread killer = new Thread(doomed::close);
    killer.start();
    killer.join(TimeUnit.SECONDS.toMillis(20));
    stuck.release.countDown();

    InfoRecorder survivor = new InfoRecorder();
    started(NotificationListener.builder(transport()).target(Target.topic(topic)).endpoint(survivor));
    Set<Integer> seen = new HashSet<>(stuck.done.snapshot());
    survivor.received.awaitUntil(l -> {
      Set<Integer> all = new HashSet<>(seen);
      l.forEach(r -> all.add(r.payload().get("i").asInt()));
      return all.size() == n;
    }, WAIT, "all " + n + " notifications across both listeners");
  }

  @Test
  void badInputIsDroppedAndTheListenerKeepsServing() throws Exception {
    Transport t = transport();
    InfoRecorder endpoint = new InfoRecorder();
    started(NotificationListener.builder(t).target(Target.topic(topic)).endpoint(endpoint));
    var driver = t.core().driver();
    SendOptions opts = new SendOptions(null, false, null, io.fjord.rpc.Deadline.after(WAIT));
    Target target = Target.topic(topic);
    driver.sendNotification(target, "info", "not json".getBytes(StandardCharsets.UTF_8), opts).get();
    driver.sendNotification(target, "info", "{\"priority\": \"LOUD\", \"event_type\": \"x\"}".getBytes(StandardCharsets.UTF_8), opts).get();
    driver.sendNotification(target, "info", "{\"event_type\": \"no.priority\"}".getBytes(StandardCharsets.UTF_8), opts).get();
    driver.sendNotification(target, "info", "[1, 2]".getBytes(StandardCharsets.UTF_8), opts).get();
    // the legacy un-enveloped format (oslo's 'messaging' driver) is accepted
    Notifier.builder(t).publisherId("p").topics(topic).driver(NotificationDriver.messaging())
        .failurePolicy(Notifier.FailurePolicy.THROW).build().info(RequestContext.empty(), "v1.format", Map.of());
    Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW).build()
        .info(RequestContext.empty(), "v2.format", Map.of());
    assertThat(endpoint.received.awaitCount(2, WAIT)).extracting(ReceivedNotification::eventType)
        .containsExactlyInAnyOrder("v1.format", "v2.format");
  }

  @Test
  void listenerNeedsATargetAnEndpointAndMethodsForPriorities() {
    Transport t = transport();
    assertThatThrownBy(() -> NotificationListener.builder(t).endpoint(new InfoRecorder()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one target");
    assertThatThrownBy(() -> NotificationListener.builder(t).target(Target.topic(topic)).endpoint(new Object()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no method for any priority");
  }
}
