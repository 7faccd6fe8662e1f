package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Connection;
import io.fjord.rpc.BrokerAccessDeniedException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * amqps:// with client certificates, against a TLS listener of a node of our own that requires one
 * signed by the test CA and offers EXTERNAL ({@link RabbitNode.ClientCertificates#REQUIRED_WITH_EXTERNAL}):
 * oslo's {@code ssl_cert_file}/{@code ssl_key_file}, {@code rabbit_login_method},
 * {@code ssl_enforce_hostname_verification} and {@code ssl_version}. What the broker saw (user, SASL
 * mechanism, TLS version) is read back with rabbitmqctl.
 */
@Tag("fault")
class AmqpMutualTlsIT {
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
    node = RabbitNode.startWithTls(certs, RabbitNode.ClientCertificates.REQUIRED_WITH_EXTERNAL);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      RabbitNode.deleteCertificates(certs);
    }
  }

  /** amqps:// to the node's TLS port as guest, trusting the test CA, with {@code query} options appended. */
  private static String url(String host, String query) {
    return "amqps://guest:guest@" + host + ":" + node.tlsPort() + "/?ssl_ca_file=" + certs.resolve("ca.pem")
        + "&connection_timeout=3" + (query.isEmpty() ? "" : "&" + query);
  }

  /** The options of the client certificate signed by the test CA, with the key in {@code keyFile}. */
  private static String clientCertificate(String keyFile) {
    return "ssl_cert_file=" + certs.resolve("client.pem") + "&ssl_key_file=" + certs.resolve(keyFile);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"client.key, -----BEGIN PRIVATE KEY-----", "client-rsa.key, -----BEGIN RSA PRIVATE KEY-----"})
  void callsWorkWithAClientCertificate(String keyFile, String pemHeader) throws Exception {
    assertThat(Files.readString(certs.resolve(keyFile))).as("the key's format").startsWith(pemHeader);
    List<String> seen = callAndListConnections(url("localhost", clientCertificate(keyFile)));
    assertThat(seen).hasSize(2).allSatisfy(c -> assertThat(c).contains("guest\tPLAIN\t").contains("CN=guest"));
  }

  @Test
  void withoutAClientCertificateTheBrokerRefusesTheConnection() {
    assertThatThrownBy(() -> Transport.open(url("localhost", "")))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot connect to amqps://guest:****@localhost:" + node.tlsPort())
        // the broker's alert mostly arrives as a reset; the request it made says why
        .hasMessageContaining("(the broker asked for a client certificate issued by CN=fjord-test-ca and none is "
            + "configured: set ssl_cert_file and ssl_key_file)")
        .hasMessageNotContaining("guest:guest");
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefused() {
    String other = "ssl_cert_file=" + certs.resolve("other-client.pem") + "&ssl_key_file="
        + certs.resolve("other-client.key");
    assertThatThrownBy(() -> Transport.open(url("localhost", other)))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot connect to amqps://guest:****@localhost:" + node.tlsPort())
        .hasMessageContaining("(the broker asked for a client certificate issued by CN=fjord-test-ca, which "
            + "ssl_cert_file " + certs.resolve("other-client.pem") + " (CN=guest, issued by CN=other-ca) is not, so it "
            + "was not sent)")
        .hasMessageNotContaining("guest:guest");
  }

  @Test
  void externalLogsInAsTheCertificatesCommonNameWhateverTheUrlsPassword() throws Exception {
    String url = url("localhost", clientCertificate("client.key") + "&rabbit_login_method=EXTERNAL")
        .replace("guest:guest@", "nobody:wrong@");
    List<String> seen = callAndListConnections(url);
    assertThat(seen).hasSize(2).allSatisfy(c -> assertThat(c).startsWith("guest\tEXTERNAL\t"));
  }

  @Test
  void amqplainLogsInWithTheUrlsUserAndPassword() throws Exception {
    String query = clientCertificate("client.key") + "&rabbit_login_method=AMQPLAIN";
    List<String> seen = callAndListConnections(url("localhost", query));
    assertThat(seen).hasSize(2).allSatisfy(c -> assertThat(c).startsWith("guest\tAMQPLAIN\t"));
    // the password is what AMQPLAIN sent: a wrong one is refused
    assertThatThrownBy(() -> Transport.open(url("localhost", query).replace("guest:guest@", "guest:wrong@")))
        .isInstanceOf(BrokerAccessDeniedException.class)
        .hasMessageContaining("Cannot connect to amqps://guest:****@localhost:" + node.tlsPort())
        .hasMessageNotContaining("wrong");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"client-encrypted.key", "client-rsa-encrypted.key"})
  void anEncryptedKeyIsRefusedWithHowToDecryptIt(String keyFile) throws Exception {
    String how = "openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem";
    assertThatThrownBy(() -> Transport.open(url("localhost", clientCertificate(keyFile))))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot set up TLS for amqps://guest:****@localhost:" + node.tlsPort())
        .hasMessageContaining("ssl_key_file " + certs.resolve(keyFile) + " is encrypted; Fjord reads unencrypted keys ("
            + how + ")")
        .hasMessageNotContaining("guest:guest");
    // doing as told (the pass phrase from a file instead of the terminal) gives a key that works
    String plain = "plain-" + keyFile;
    Process p = new ProcessBuilder((how.replace("key.pem", keyFile).replace("plain.pem", plain)
        + " -passin file:key-pass.txt").split(" ")).directory(certs.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl: %s", out).isTrue();
    assertThat(callAndListConnections(url("localhost", clientCertificate(plain)))).hasSize(2);
  }

  @Test
  void theHostNameIsVerifiedByDefault() {
    // the certificate names localhost, not 127.0.0.1
    assertThatThrownBy(() -> Transport.open(url("127.0.0.1", clientCertificate("client.key"))))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot connect to amqps://guest:****@127.0.0.1:" + node.tlsPort())
        .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found")
        .hasMessageNotContaining("the broker asked"); // Fjord refused the broker, not the other way round
  }

  @Test
  void withoutHostNameVerificationTheChainIsStillChecked() throws Exception {
    String query = clientCertificate("client.key") + "&ssl_enforce_hostname_verification=false";
    assertThat(callAndListConnections(url("127.0.0.1", query))).hasSize(2);
    String otherCa = url("127.0.0.1", query).replace(certs.resolve("ca.pem").toString(),
        certs.resolve("other-ca.pem").toString());
    assertThatThrownBy(() -> Transport.open(otherCa))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Cannot connect to amqps://guest:****@127.0.0.1:" + node.tlsPort())
        .hasMessageContaining("PKIX path building failed")
        .hasMessageNotContaining("the broker asked");
  }

  @Test
  void sslVerifyFalseTrustsAnyCertificateForAnyName() throws Exception {
    // the other CA did not sign the broker's certificate, which names localhost, not 127.0.0.1
    String url = url("127.0.0.1", clientCertificate("client.key") + "&ssl_verify=false")
        .replace(certs.resolve("ca.pem").toString(), certs.resolve("other-ca.pem").toString());
    assertThat(callAndListConnections(url)).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"tlsv1_2, tlsv1.2", "tlsv1_3, tlsv1.3"})
  void sslVersionChoosesTheProtocol(String option, String negotiated) throws Exception {
    List<String> seen = callAndListConnections(url("localhost", clientCertificate("client.key") + "&ssl_version="
        + option));
    assertThat(seen).hasSize(2).allSatisfy(c -> assertThat(c).contains("\t" + negotiated + "\t"));
  }

  /**
   * Opens a transport on {@code url}, makes a call to a server on it, and returns what the broker
   * lists of its connections while it is open (user, mechanism, TLS version, certificate subject,
   * client properties); deletes what the server declared.
   */
  private static List<String> callAndListConnections(String url) throws Exception {
    String topic = TestBroker.name("mtls_t");
    String exchange = TestBroker.name("mtls_x");
    String name = TestBroker.name("mtls_c");
    TransportOptions options = TransportOptions.builder().controlExchange(exchange).connectionName(name).build();
    try (Transport transport = Transport.open(TransportUrl.parse(url), options)) {
      RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();
      assertThat(RpcClient.create(transport, Target.topic(topic))
          .call(RequestContext.empty(), "echo", Map.of("v", "mutual"), String.class)).isEqualTo("mutual");
      List<String> seen = brokerConnections(name);
      server.close();
      return seen;
    } finally {
      try (Connection raw = TestBroker.rawConnection(node.url(""))) {
        TestBroker.delete(raw, new String[] {topic, topic + ".s1"}, new String[] {exchange, topic + "_fanout"});
      }
    }
  }

  /** The broker's connections whose client named them {@code name}..., one tab-separated line each. */
  private static List<String> brokerConnections(String name) throws Exception {
    String out = node.ctl("list_connections", "-q", "--no-table-headers", "user", "auth_mechanism", "ssl_protocol",
        "peer_cert_subject", "client_properties");
    return out.lines().filter(l -> l.contains(name + ":")).toList();
  }
}
