package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** amqps:// against a TLS listener of a node of our own, with a CA generated for the test. */
@org.junit.jupiter.api.Tag("fault")
class AmqpTlsIT {
  private static Path certs;
  private static RabbitNode node;

  /** Echo endpoint. */
  public static final class Echo {
    public String echo(String v) {
      return v;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    certs = RabbitNode.makeCertificates();
    node = RabbitNode.startWithTls(certs);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (certs != null) {
      try (var files = java.nio.file.Files.walk(certs)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String url(String host, String ca) {
    return "amqps://guest:guest@" + host + ":" + node.tlsPort() + "/?ssl_ca_file=" + certs.resolve(ca)
        + "&connection_timeout=3";
  }

  @Test
  void callsWorkOverTlsWithTheBrokersCa() throws Exception {
    String topic = TestBroker.name("tls_t");
    try (Transport t = Transport.open(url("localhost", "ca.pem"))) {
      RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build().start();
      assertThat(RpcClient.create(t, Target.topic(topic)).call(RequestContext.empty(), "echo", Map.of("v", "secure"),
          String.class)).isEqualTo("secure");
    }
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedWithAClearError() {
    assertThatThrownBy(() -> Transport.open(url("localhost", "other-ca.pem")))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot connect to amqps://guest:****@localhost:" + node.tlsPort())
        .hasMessageContaining("PKIX path building failed")
        .hasMessageNotContaining("guest:guest");
  }

  @Test
  void theHostNameIsVerifiedByDefault() {
    // the certificate names localhost, not 127.0.0.1
    assertThatThrownBy(() -> Transport.open(url("127.0.0.1", "ca.pem")))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot connect to amqps://")
        .hasMessageContaining("127.0.0.1 found");
  }
}
