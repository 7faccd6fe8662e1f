package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.interop.JavaEndpoints.Invocation;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An oslo server ({@code py-1}) and a Fjord server ({@code java-1}) on one topic, called by an oslo
 * client and a Fjord client: the shared topic queue, the server queues and the fanout objects are
 * declared by both runtimes, so every one of them must match what the other declared (on RabbitMQ a
 * mismatch is a 406 on declare). Each scenario runs on two topics: one where oslo declared first
 * and Fjord joined, one where Fjord declared first and oslo joined. What either server's
 * {@code record} saw lands in one {@link Inbox}. Each subclass runs it in one {@link OsloSetup}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MixedServersContract {
  private static final Duration ANSWER = Duration.ofSeconds(30);

  /** Which runtime declared a topic's objects first; each has its own exchange and topic. */
  enum First {
    OSLO, FJORD
  }

  private record Topic(String exchange, String topic, RpcClient javaClient) {
  }

  private final InteropFixture fixture;
  private final Inbox<Invocation> recorder = new Inbox<>();
  private final Map<First, Topic> topics = new EnumMap<>(First.class);
  private Transport transport;
  private OsloPeer client;

  MixedServersContract(InteropFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeAll
  void startServersOfBothRuntimes() throws Exception {
    String control = fixture.name("mixed_cx");
    fixture.deleteExchanges(control);
    transport = fixture.transport(control);
    for (First first : First.values()) {
      String exchange = fixture.name("mixed_x");
      String topic = fixture.name("mixed_t");
      fixture.deleteExchanges(exchange, topic + "_fanout");
      fixture.deleteQueues(topic, topic + ".py-1", topic + ".java-1", topic + "_fanout");
      if (first == First.OSLO) {
        startPythonServer(control, exchange, topic);
        startJavaServer(exchange, topic);
      } else {
        startJavaServer(exchange, topic);
        startPythonServer(control, exchange, topic);
      }
      RpcClient javaClient = RpcClient.builder(transport, Target.topic(topic).withExchange(exchange)
          .withNamespace("interop")).timeout(ANSWER).build();
      topics.put(first, new Topic(exchange, topic, javaClient));
    }
    client = fixture.startPeer("rpc_client.py", "--control-exchange", control);
  }

  private void startPythonServer(String control, String exchange, String topic) throws Exception {
    OsloPeer server = fixture.startPeer("rpc_server.py", "--control-exchange", control,
        "--target", exchange + ":" + topic + ":py-1");
    server.forward(l -> "invoked".equals(l.path("event").asText()), l -> recorder.add(new Invocation(
        l.path("server").asText(), l.path("tag").asText(),
        RequestContext.of(OsloPeer.JSON.convertValue(l.path("ctxt"), Map.class)))));
  }

  private void startJavaServer(String exchange, String topic) {
    RpcServer server = RpcServer.builder(transport, Target.topic(topic).withExchange(exchange).withServer("java-1"))
        .endpoint(new JavaEndpoints.InteropV1("java-1", recorder))
        .build();
    fixture.closeLater(server);
    server.start();
  }

  /** A call or cast from the oslo client to {@code first}'s topic. */
  private OsloCommand osloCommand(First first, OsloCommand command) {
    Topic t = topics.get(first);
    return command.exchange(t.exchange()).topic(t.topic()).namespace("interop");
  }

  private JsonNode osloRun(OsloCommand command) {
    JsonNode answer = client.request(command.node(), ANSWER);
    assertThat(answer.path("ok").asBoolean()).as("oslo client ran %s; answer: %s", command, answer).isTrue();
    return answer.get("result");
  }

  private List<Invocation> awaitRecorded(String tag, int count) throws InterruptedException {
    return recorder.await("record(" + tag + ") on " + count + " server(s) of either runtime", count, ANSWER,
        i -> i.tag().equals(tag));
  }

  @ParameterizedTest(name = "{0} declared first")
  @EnumSource(First.class)
  void callsOnTheTopicAreAnsweredByBothRuntimes(First first) {
    Set<String> byJavaClient = new HashSet<>();
    Set<String> byOsloClient = new HashSet<>();
    // the broker round-robins the one <topic> queue between the oslo and the Fjord consumer (so the
    // two clients take turns in separate loops: interleaved, each would always meet the same server)
    for (int i = 0; i < 8; i++) {
      byJavaClient.add(topics.get(first).javaClient().call(RequestContext.empty(), "whoami", Map.of(), String.class));
    }
    for (int i = 0; i < 8; i++) {
      byOsloClient.add(osloRun(osloCommand(first, OsloCommand.call("whoami"))).asText());
    }
    assertThat(byJavaClient).as("servers that answered the Fjord client").containsExactlyInAnyOrder("py-1", "java-1");
    assertThat(byOsloClient).as("servers that answered the oslo client").containsExactlyInAnyOrder("py-1", "java-1");
  }

  @ParameterizedTest(name = "{0} declared first")
  @EnumSource(First.class)
  void callAllGathersTheFjordServerByNameAndTheOsloServerUnattributed(First first) {
    io.fjord.rpc.client.GatherResult<String> all = topics.get(first).javaClient().callAll(RequestContext.empty(),
        "whoami", Map.of(), String.class, io.fjord.rpc.client.Expected.count(2));

    assertThat(all.expectationMet()).as("both servers answered: %s", all).isTrue();
    // the Fjord server names itself in its reply; oslo's server sends its reply as ever, and it is kept
    assertThat(all.values()).containsOnly(Map.entry("java-1", "java-1"));
    assertThat(all.unattributed()).extracting(io.fjord.rpc.client.GatherResult.Reply::get).containsExactly("py-1");
  }

  @ParameterizedTest(name = "{0} declared first")
  @EnumSource(First.class)
  void callToANamedServerReachesThatRuntime(First first) {
    RpcClient javaClient = topics.get(first).javaClient();
    for (String server : List.of("py-1", "java-1")) {
      assertThat(javaClient.prepare(server, false).call(RequestContext.empty(), "whoami", Map.of(), String.class))
          .as("Fjord client to %s", server).isEqualTo(server);
      assertThat(osloRun(osloCommand(first, OsloCommand.call("whoami")).server(server)).asText())
          .as("oslo client to %s", server).isEqualTo(server);
    }
  }

  @ParameterizedTest(name = "{0} declared first")
  @EnumSource(First.class)
  void castReachesExactlyOneServer(First first) throws Exception {
    String fromJava = fixture.name("mixed_cast_j");
    String fromOslo = fixture.name("mixed_cast_o");
    topics.get(first).javaClient().cast(RequestContext.empty(), "record", Map.of("tag", fromJava));
    osloRun(osloCommand(first, OsloCommand.cast("record")).arg("tag", fromOslo));
    awaitRecorded(fromJava, 1);
    awaitRecorded(fromOslo, 1);
    // calls through the same queue, answered after the casts were taken: still one delivery each
    for (int i = 0; i < 2; i++) {
      topics.get(first).javaClient().call(RequestContext.empty(), "whoami", Map.of(), String.class);
    }
    assertThat(recorder.all(i -> i.tag().equals(fromJava))).as("deliveries of the Fjord cast").hasSize(1);
    assertThat(recorder.all(i -> i.tag().equals(fromOslo))).as("deliveries of the oslo cast").hasSize(1);
  }

  @ParameterizedTest(name = "{0} declared first")
  @EnumSource(First.class)
  void fanoutCastReachesTheServersOfBothRuntimes(First first) throws Exception {
    String fromJava = fixture.name("mixed_fan_j");
    String fromOslo = fixture.name("mixed_fan_o");
    topics.get(first).javaClient().prepare(null, true).cast(RequestContext.empty(), "record", Map.of("tag", fromJava));
    osloRun(osloCommand(first, OsloCommand.cast("record")).fanout().arg("tag", fromOslo));
    assertThat(awaitRecorded(fromJava, 2)).as("servers that got the Fjord fanout cast")
        .extracting(Invocation::server).containsExactlyInAnyOrder("py-1", "java-1");
    assertThat(awaitRecorded(fromOslo, 2)).as("servers that got the oslo fanout cast")
        .extracting(Invocation::server).containsExactlyInAnyOrder("py-1", "java-1");
  }
}
