package io.fjord.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Fjord's introspection method {@code fjord.describe} (docs/wire-format.md §9) between Fjord and real
 * oslo.messaging peers on one topic: oslo servers refuse it with their dispatcher's natural error
 * ({@code NoSuchMethod} when an endpoint of the default namespace at 1.x exists, here oslo's ping
 * endpoint; {@code UnsupportedVersion} when none does), a Fjord server beside them answers it, and an oslo
 * client calling it on the Fjord server gets the description as a dict. Each subclass runs it in one
 * {@link OsloSetup}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IntrospectionInteropContract {
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final InteropFixture fixture;
  private String exchange;
  private String topic;
  private RpcClient client;
  private OsloPeer osloClient;

  IntrospectionInteropContract(InteropFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeAll
  void startServersOfBothRuntimes() throws Exception {
    exchange = fixture.name("intro_x");
    topic = fixture.name("intro_t");
    fixture.deleteQueues(topic, topic + ".py-ping", topic + ".py-plain", topic + ".java-1", topic + "_fanout");
    fixture.deleteExchanges(exchange, topic + "_fanout");
    fixture.startPeer("rpc_server.py", "--control-exchange", exchange,
        "--target", ":" + topic + ":py-ping", "--target", ":" + topic + ":py-plain:noping");
    Transport transport = fixture.transport(exchange);
    RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("java-1"))
        .endpoint(new JavaEndpoints.InteropV1("java-1", new Inbox<>()))
        .build();
    fixture.closeLater(server);
    server.start();
    client = RpcClient.builder(transport, Target.topic(topic)).timeout(ANSWER).build();
    osloClient = fixture.startPeer("rpc_client.py", "--control-exchange", exchange);
  }

  @Test
  void osloServerWithADefaultNamespaceEndpointRefusesDescribeWithNoSuchMethod() {
    Throwable refused = catchThrowable(() -> client.toServer("py-ping").describe());

    assertThat(refused).isInstanceOf(NoSuchRpcMethodException.class);
    NoSuchRpcMethodException e = (NoSuchRpcMethodException) refused;
    assertThat(e.remoteModule()).isEqualTo("oslo_messaging.rpc.dispatcher");
    assertThat(e.remoteClass()).isEqualTo("NoSuchMethod");
    assertThat(e.remoteMessage()).isEqualTo("Endpoint does not support RPC method fjord.describe");
  }

  @Test
  void osloServerWithoutADefaultNamespaceEndpointRefusesDescribeWithUnsupportedVersion() {
    Throwable refused = catchThrowable(() -> client.toServer("py-plain").describe());

    assertThat(refused).isInstanceOf(UnsupportedRpcVersionException.class);
    UnsupportedRpcVersionException e = (UnsupportedRpcVersionException) refused;
    assertThat(e.remoteModule()).isEqualTo("oslo_messaging.rpc.dispatcher");
    assertThat(e.remoteClass()).isEqualTo("UnsupportedVersion");
    assertThat(e.remoteMessage()).isEqualTo("Endpoint does not support RPC version 1.0. Attempted method: fjord.describe");
  }

  @Test
  void fjordServerBesideThemAnswersDescribe() {
    ServiceDescription description = client.toServer("java-1").describe();

    assertThat(description.topic()).isEqualTo(topic);
    assertThat(description.server()).isEqualTo("java-1");
    assertThat(description.endpoints()).extracting(ServiceDescription.Endpoint::namespace,
        ServiceDescription.Endpoint::version).containsExactly(org.assertj.core.groups.Tuple.tuple("interop", "1.3"));
    assertThat(description.find("interop", "1.2", "echo")).isPresent();
  }

  @Test
  void osloClientCallingDescribeOnTheFjordServerGetsADict() {
    JsonNode answer = osloClient.request(OsloCommand.call(ServiceDescription.METHOD).topic(topic).server("java-1")
        .node(), ANSWER);

    assertThat(answer.path("ok").asBoolean()).as("oslo client answer: %s", answer).isTrue();
    JsonNode result = answer.get("result");
    assertThat(result.path("format").asInt()).isEqualTo(1);
    assertThat(result.path("server").asText()).isEqualTo("java-1");
    assertThat(result.path("endpoints").path(0).path("namespace").asText()).isEqualTo("interop");
  }
}
