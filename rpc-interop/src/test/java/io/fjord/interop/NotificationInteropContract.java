package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.notify.NotificationDriver;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.Notifier;
import io.fjord.notify.OnNotification;
import io.fjord.notify.Priority;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Notifications between Debian's real oslo.messaging and Fjord, both ways, for all seven priorities,
 * with oslo's {@code messaging} (no envelope) and {@code messagingv2} drivers, to listeners without
 * a pool (the shared {@code <topic>.<priority>} queues) and in pools (a pool shares one queue, each
 * pool gets every notification). One oslo notifier and one oslo listener process serve the class.
 * Each subclass runs it in one {@link OsloSetup} (oslo version, broker, options), giving its fixture
 * to the constructor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NotificationInteropContract {
  private static final Duration ARRIVAL = Duration.ofSeconds(30);
  private static final Pattern DASHED_UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** Python's str(datetime.utcnow()): a space, no zone, microseconds only when not zero. */
  private static final Pattern OSLO_TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?");
  private static final List<String> PRIORITIES = Stream.of(Priority.values()).map(Priority::routingName).toList();

  private final InteropFixture fixture;
  private String exchange;
  private Transport transport;
  private OsloPeer notifier;
  private OsloPeer listeners;
  private String osloTopic;

  NotificationInteropContract(InteropFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeAll
  void startOsloNotifierAndListeners() throws Exception {
    exchange = fixture.name("notif_x");
    osloTopic = fixture.name("notif_pyl");
    String poolA = fixture.name("notif_pypool_a");
    String poolB = fixture.name("notif_pypool_b");
    fixture.deleteExchanges(exchange);
    fixture.deleteQueues(poolA, poolB);
    PRIORITIES.forEach(p -> fixture.deleteQueues(osloTopic + "." + p));
    transport = fixture.transport(exchange);
    notifier = fixture.startPeer("notifier.py", "--control-exchange", exchange);
    listeners = fixture.startPeer("listener.py", "--control-exchange", exchange, "--target", ":" + osloTopic,
        "--listener", "plain", "--listener", "a1:" + poolA, "--listener", "a2:" + poolA, "--listener", "b:" + poolB);
  }

  /** The context both notifiers send; the notifier keeps only oslo's safe keys. */
  private static Map<String, Object> context() {
    Map<String, Object> ctxt = new LinkedHashMap<>();
    ctxt.put("request_id", "req-notify-1");
    ctxt.put("user_id", "u-1");
    ctxt.put("project_id", "p-1");
    ctxt.put("roles", List.of("reader"));
    ctxt.put("is_admin", false);
    ctxt.put("auth_token", "never-sent");
    ctxt.put("custom_secret", "never-sent");
    return ctxt;
  }

  /** What a listener sees of {@link #context()}: the safe keys plus oslo's client_timeout. */
  private static JsonNode sanitizedContext() {
    Map<String, Object> expected = new LinkedHashMap<>(context());
    expected.remove("auth_token");
    expected.remove("custom_secret");
    expected.put("client_timeout", null);
    return Payloads.normalize(expected);
  }

  /**
   * How {@link Payloads#DATETIME} as a Python datetime in a notification payload reaches the wire: in
   * {@code messagingv2} oslo's envelope writes it as oslo's string; {@code messaging} (no envelope)
   * leaves it to kombu's JSON encoder, which writes the same string up to kombu 5.2 (bookworm) and
   * {@code {"__type__": "datetime", "__value__": ...}} from kombu 5.3 (trixie) on. Fjord hands over
   * what is on the wire.
   */
  private JsonNode datetimeOnTheWire(String driver) {
    JsonNode oslo = notifier.await("the oslo version line", ARRIVAL, l -> "oslo".equals(l.path("event").asText()));
    String[] kombu = oslo.path("kombu").asText().split("\\.");
    boolean typed = kombu.length > 1 && (Integer.parseInt(kombu[0]) > 5
        || Integer.parseInt(kombu[0]) == 5 && Integer.parseInt(kombu[1]) >= 3);
    if (driver.equals("messaging") && typed) {
      return OsloPeer.JSON.createObjectNode().put("__type__", "datetime").put("__value__", Payloads.DATETIME);
    }
    return OsloPeer.JSON.getNodeFactory().textNode(Payloads.DATETIME);
  }

  /** {@link #context()} as oslo.context's RequestContext arguments (auth_token is one of them). */
  private static Map<String, Object> osloContextArguments() {
    Map<String, Object> args = new LinkedHashMap<>(context());
    args.remove("custom_secret");
    return args;
  }

  /** {@code ctxt} plus the {@code client_timeout} (null) that a listener's context always has. */
  private static JsonNode withClientTimeout(JsonNode ctxt) {
    ObjectNode expected = ctxt.deepCopy();
    if (!expected.has("client_timeout")) {
      expected.putNull("client_timeout");
    }
    return Payloads.normalize(expected);
  }

  private static ObjectNode payload(String priority) {
    ObjectNode p = OsloPeer.JSON.createObjectNode();
    p.put("priority", priority);
    p.set("value", Payloads.value());
    return p;
  }

  // ------------------------------------------------------------------ oslo Notifier -> Fjord listeners

  /** A Fjord listener endpoint for every priority, handing what it gets to an inbox. */
  public static final class Collect {
    private final String label;
    private final Inbox<Received> inbox;

    Collect(String label, Inbox<Received> inbox) {
      this.label = label;
      this.inbox = inbox;
    }

    @OnNotification({Priority.AUDIT, Priority.DEBUG, Priority.INFO, Priority.WARN, Priority.ERROR, Priority.CRITICAL,
        Priority.SAMPLE})
    public void any(ReceivedNotification n) {
      inbox.add(new Received(label, n));
    }
  }

  record Received(String listener, ReceivedNotification notification) {
  }

  private NotificationListener startJavaListener(String topic, String pool, String label, Inbox<Received> inbox) {
    NotificationListener.Builder b = NotificationListener.builder(transport).target(Target.topic(topic))
        .endpoint(new Collect(label, inbox));
    if (pool != null) {
      b.pool(pool);
    }
    NotificationListener l = fixture.closeLater(b.build());
    l.start();
    return l;
  }

  /** How the oslo notifier gets {@link #context()}: as a dict, or as an oslo.context RequestContext. */
  enum ContextKind {
    DICT, OSLO_CONTEXT
  }

  @ParameterizedTest(name = "oslo driver {0}, context as {1}")
  @CsvSource({"messaging, DICT", "messagingv2, DICT", "messagingv2, OSLO_CONTEXT"})
  void osloNotifierReachesFjordListenersForEveryPriority(String driver, ContextKind kind) throws Exception {
    String topic = fixture.name("notif_jl");
    String poolA = fixture.name("notif_jpool_a");
    String poolB = fixture.name("notif_jpool_b");
    fixture.deleteQueues(poolA, poolB);
    PRIORITIES.forEach(p -> fixture.deleteQueues(topic + "." + p));
    Inbox<Received> inbox = new Inbox<>();
    startJavaListener(topic, null, "plain", inbox);
    startJavaListener(topic, poolA, "a1", inbox);
    startJavaListener(topic, poolA, "a2", inbox);
    startJavaListener(topic, poolB, "b", inbox);

    String prefix = "interop.oslo." + driver + "." + kind + ".";
    Map<String, JsonNode> sentContexts = new LinkedHashMap<>();
    for (String priority : PRIORITIES) {
      ObjectNode payload = payload(priority);
      payload.putObject("when").put("$datetime", Payloads.DATETIME);
      OsloCommand command = OsloCommand.notify(driver, topic, priority, prefix + priority)
          .publisherId("oslo.host-1").payload(payload);
      JsonNode sent = notifier.request((kind == ContextKind.DICT ? command.ctxt(context())
          : command.osloContext(osloContextArguments())).node(), ARRIVAL);
      assertThat(sent.path("ok").asBoolean()).as("oslo notifier sent %s: %s", priority, sent).isTrue();
      sentContexts.put(priority, sent.get("ctxt_sent"));
    }

    List<Received> plain = inbox.await("notifications at the listener without pool", 7, ARRIVAL,
        r -> r.listener().equals("plain"));
    List<Received> poolBGot = inbox.await("notifications in pool B", 7, ARRIVAL, r -> r.listener().equals("b"));
    List<Received> poolAGot = inbox.await("notifications in pool A", 7, ARRIVAL, r -> r.listener().startsWith("a"));

    assertThat(plain).extracting(r -> r.notification().priority().routingName())
        .containsExactlyInAnyOrderElementsOf(PRIORITIES);
    for (Received r : plain) {
      ReceivedNotification n = r.notification();
      String priority = n.priority().routingName();
      assertThat(n.eventType()).isEqualTo(prefix + priority);
      assertThat(n.publisherId()).isEqualTo("oslo.host-1");
      // exactly the context oslo put on the wire, whatever its notifier made of ours (see notifier.py)
      JsonNode received = Payloads.normalize(n.context().asMap());
      assertThat(received).as("context of %s", priority).isEqualTo(withClientTimeout(sentContexts.get(priority)));
      assertThat(received.toString()).as("context of %s", priority).doesNotContain("never-sent");
      if (kind == ContextKind.DICT) {
        // oslo 14 keeps the safe keys of a dict context; oslo 16 sends none of a dict (only a RequestContext)
        assertThat(received).isIn(sanitizedContext(), withClientTimeout(OsloPeer.JSON.createObjectNode()));
      } else {
        assertThat(received.path("request_id").asText()).isEqualTo("req-notify-1");
      }
      ObjectNode expected = payload(priority);
      expected.set("when", datetimeOnTheWire(driver));
      assertThat(Payloads.normalize(n.payload())).isEqualTo(expected);
      assertThat(n.metadata().messageId()).matches(DASHED_UUID);
      assertThat(n.metadata().timestamp()).matches(OSLO_TIMESTAMP);
    }
    // a pool is one stream: its two listeners shared the 7 notifications, none twice
    assertThat(poolAGot).extracting(r -> r.notification().metadata().messageId())
        .containsExactlyInAnyOrderElementsOf(plain.stream().map(r -> r.notification().metadata().messageId()).toList());
    assertThat(poolBGot).extracting(r -> r.notification().metadata().messageId())
        .containsExactlyInAnyOrderElementsOf(plain.stream().map(r -> r.notification().metadata().messageId()).toList());
  }

  // ------------------------------------------------------------------ Fjord Notifier -> oslo listeners

  @ParameterizedTest(name = "Fjord driver {0}")
  @ValueSource(strings = {"messaging", "messagingv2"})
  void fjordNotifierReachesOsloListenersForEveryPriority(String driver) {
    Notifier javaNotifier = Notifier.builder(transport)
        .publisherId("java.host-1")
        .topics(osloTopic)
        .driver(driver.equals("messaging") ? NotificationDriver.messaging() : NotificationDriver.messagingV2())
        .failurePolicy(Notifier.FailurePolicy.THROW)
        .build();
    String prefix = "interop.java." + driver + ".";
    RequestContext ctx = RequestContext.of(context());
    for (Priority p : Priority.values()) {
      javaNotifier.notify(p, ctx, prefix + p.routingName(), payload(p.routingName()));
    }

    List<JsonNode> plain = arrived("plain", prefix, 7);
    List<JsonNode> poolB = arrived("b", prefix, 7);
    List<JsonNode> poolA = new ArrayList<>(listeners.awaitAll("pool A notifications " + prefix, 7, ARRIVAL,
        l -> isNotification(l, prefix) && l.path("listener").asText().startsWith("a")));

    assertThat(plain).extracting(l -> l.path("priority").asText()).containsExactlyInAnyOrderElementsOf(PRIORITIES);
    for (JsonNode l : plain) {
      String priority = l.path("priority").asText(); // the oslo endpoint method that got it
      assertThat(l.path("event_type").asText()).isEqualTo(prefix + priority);
      assertThat(l.path("publisher_id").asText()).isEqualTo("java.host-1");
      assertThat(l.get("ctxt")).isEqualTo(sanitizedContext());
      assertThat(l.get("payload")).isEqualTo(payload(priority));
      assertThat(l.path("payload_types").path("value").path("beyond_long").asText()).isEqualTo("int");
      assertThat(l.path("payload_types").path("value").path("float").asText()).isEqualTo("float");
      assertThat(l.path("metadata").path("message_id").asText()).matches(DASHED_UUID);
      assertThat(l.path("metadata").path("timestamp").asText()).matches(OSLO_TIMESTAMP);
    }
    List<String> ids = plain.stream().map(l -> l.path("metadata").path("message_id").asText()).toList();
    assertThat(poolA).extracting(l -> l.path("metadata").path("message_id").asText())
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(poolB).extracting(l -> l.path("metadata").path("message_id").asText())
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  private static boolean isNotification(JsonNode line, String prefix) {
    return "notification".equals(line.path("event").asText()) && line.path("event_type").asText().startsWith(prefix);
  }

  private List<JsonNode> arrived(String listener, String prefix, int count) {
    return listeners.awaitAll(listener + " notifications " + prefix, count, ARRIVAL,
        l -> isNotification(l, prefix) && listener.equals(l.path("listener").asText()));
  }
}
