package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * oslo.messaging talking to itself, without Fjord: proves the harness (runtime, broker, options,
 * scripts) before any Fjord test depends on it. An oslo client calls and casts to two oslo servers
 * ({@code py-1}, {@code py-2}) on one topic; an oslo notifier reaches oslo listeners without a pool
 * and in two pools. Each subclass runs it in one {@link OsloSetup}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OsloSanityContract {
  private static final Duration ANSWER = Duration.ofSeconds(30);
  private static final List<String> PRIORITIES = List.of("audit", "debug", "info", "warn", "error", "critical", "sample");

  private final InteropFixture fixture;
  private String topic;
  private String notificationTopic;
  private OsloPeer servers;
  private OsloPeer client;
  private OsloPeer notifier;
  private OsloPeer listeners;

  OsloSanityContract(InteropFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeAll
  void startOsloPeers() throws Exception {
    String exchange = fixture.name("sanity_x");
    topic = fixture.name("sanity_t");
    notificationTopic = fixture.name("sanity_n");
    String poolA = fixture.name("sanity_pool_a");
    String poolB = fixture.name("sanity_pool_b");
    fixture.deleteExchanges(exchange, topic + "_fanout");
    fixture.deleteQueues(topic + "_fanout", poolA, poolB);
    PRIORITIES.forEach(p -> fixture.deleteQueues(notificationTopic + "." + p));
    servers = fixture.startPeer("rpc_server.py", "--control-exchange", exchange,
        "--target", ":" + topic + ":py-1", "--target", ":" + topic + ":py-2");
    client = fixture.startPeer("rpc_client.py", "--control-exchange", exchange);
    listeners = fixture.startPeer("listener.py", "--control-exchange", exchange, "--target", ":" + notificationTopic,
        "--listener", "plain", "--listener", "a1:" + poolA, "--listener", "a2:" + poolA, "--listener", "b:" + poolB);
    notifier = fixture.startPeer("notifier.py", "--control-exchange", exchange);
  }

  private OsloCommand call(String method) {
    return OsloCommand.call(method).topic(topic).namespace("interop");
  }

  private JsonNode run(OsloCommand command) {
    JsonNode answer = client.request(command.node(), ANSWER);
    assertThat(answer.path("ok").asBoolean()).as("oslo client ran %s; answer: %s", command, answer).isTrue();
    return answer.get("result");
  }

  private List<JsonNode> awaitInvoked(String tag, int count) {
    return servers.awaitAll("record(" + tag + ") on " + count + " server(s)", count, ANSWER, l ->
        "invoked".equals(l.path("event").asText()) && tag.equals(l.path("tag").asText()));
  }

  @Test
  void everyPeerRunsTheSetupsOsloMessaging() {
    for (OsloPeer peer : List.of(servers, client, listeners, notifier)) {
      JsonNode oslo = peer.await("the oslo version line", ANSWER, l -> "oslo".equals(l.path("event").asText()));
      assertThat(oslo.path("version").asText()).as("oslo.messaging of %s", peer)
          .startsWith(fixture.setup().osloVersion());
    }
  }

  @Test
  void callOnATopicIsAnsweredByOneOfTheServers() {
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      answeredBy.add(run(call("whoami")).asText());
    }
    assertThat(answeredBy).containsExactlyInAnyOrder("py-1", "py-2");
  }

  @Test
  void callToOneServerReachesOnlyThatServer() {
    for (String server : List.of("py-1", "py-2", "py-2")) {
      assertThat(run(call("whoami").server(server)).asText()).isEqualTo(server);
    }
  }

  @Test
  void castReachesOneServer() {
    String tag = fixture.name("sanity_cast");
    run(OsloCommand.cast("record").topic(topic).namespace("interop").arg("tag", tag));
    assertThat(awaitInvoked(tag, 1).get(0).path("server").asText()).isIn("py-1", "py-2");
    run(call("whoami")); // a later message on the same queue
    assertThat(servers.lines(l -> tag.equals(l.path("tag").asText()))).hasSize(1);
  }

  @Test
  void fanoutCastReachesEveryServer() {
    String tag = fixture.name("sanity_fanout");
    run(OsloCommand.cast("record").topic(topic).namespace("interop").fanout().arg("tag", tag));
    assertThat(awaitInvoked(tag, 2)).extracting(l -> l.path("server").asText())
        .containsExactlyInAnyOrder("py-1", "py-2");
  }

  @Test
  void notificationsReachTheListenerWithoutPoolAndEachPoolOnce() {
    String prefix = "sanity." + fixture.name("n") + ".";
    for (String priority : PRIORITIES) {
      JsonNode sent = notifier.request(OsloCommand.notify("messagingv2", notificationTopic, priority, prefix + priority)
          .publisherId("oslo.host-1").payload(List.of(priority)).node(), ANSWER);
      assertThat(sent.path("ok").asBoolean()).as("oslo notifier sent %s: %s", priority, sent).isTrue();
    }
    for (String label : List.of("plain", "b", "a")) {
      List<JsonNode> got = listeners.awaitAll(PRIORITIES.size() + " notifications " + prefix + "* at listener(s) "
          + label + "*", PRIORITIES.size(), ANSWER, l -> "notification".equals(l.path("event").asText())
          && l.path("event_type").asText().startsWith(prefix) && l.path("listener").asText().startsWith(label));
      assertThat(got).as("notifications at %s", label).extracting(l -> l.path("priority").asText())
          .containsExactlyInAnyOrderElementsOf(PRIORITIES);
    }
  }
}
