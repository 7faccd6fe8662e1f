package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.TransportUrl;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.Principal;
import javax.net.ssl.SSLHandshakeException;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a refused TLS connection says about the client certificate, for every answer to the broker's
 * request (AmqpMutualTlsIT sees the refusals a real broker gives), and only when the broker broke
 * the connection off. Uses the test certificates (openssl).
 */
class ClientCertificatesTest {
  private static final Principal[] TEST_CA = {new X500Principal("CN=fjord-test-ca")};
  private static Path certs;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.make();
  }

  @AfterAll
  static void deleteCertificates() throws Exception {
    TestCertificates.delete(certs);
  }

  private static ClientCertificates client(String query) {
    TransportUrl url = TransportUrl.parse("amqps://guest:guest@localhost/?ssl_ca_file=" + certs.resolve("ca.pem")
        + query);
    return TlsContexts.create(url, AmqpSettings.from(url)).client();
  }

  private static String withCertificate(String cert, String key) {
    return "&ssl_cert_file=" + certs.resolve(cert) + "&ssl_key_file=" + certs.resolve(key);
  }

  @Test
  void saysNothingWhenTheBrokerNeverAskedForACertificate() {
    assertThat(client("").refusalHint()).isNull();
    assertThat(client(withCertificate("client.pem", "client.key")).refusalHint()).isNull();
  }

  @Test
  void namesTheMissingOptionsWhenNoneIsConfigured() {
    ClientCertificates client = client("");
    assertThat(client.chooseClientAlias(new String[] {"RSA"}, TEST_CA, null)).isNull();
    assertThat(client.refusalHint()).isEqualTo("the broker asked for a client certificate issued by CN=fjord-test-ca "
        + "and none is configured: set ssl_cert_file and ssl_key_file");
  }

  @Test
  void namesBothIssuersWhenTheBrokerDoesNotAcceptTheCertificatesIssuer() {
    ClientCertificates client = client(withCertificate("other-client.pem", "other-client.key"));
    assertThat(client.chooseClientAlias(new String[] {"RSA"}, TEST_CA, null)).isNull();
    assertThat(client.refusalHint()).isEqualTo("the broker asked for a client certificate issued by CN=fjord-test-ca, "
        + "which ssl_cert_file " + certs.resolve("other-client.pem") + " (CN=guest, issued by CN=other-ca) is not, so "
        + "it was not sent");
  }

  @Test
  void saysWhatWasSentWhenTheCertificateWasPresented() {
    ClientCertificates client = client(withCertificate("client.pem", "client-rsa.key"));
    assertThat(client.chooseClientAlias(new String[] {"RSA"}, TEST_CA, null)).isNotNull();
    assertThat(client.refusalHint()).isEqualTo("the broker asked for a client certificate issued by CN=fjord-test-ca "
        + "and got ssl_cert_file " + certs.resolve("client.pem") + " (CN=guest, issued by CN=fjord-test-ca): check "
        + "that the broker trusts its issuer and accepts its subject");
  }

  @Test
  void blamesTheKeyTypeWhenTheIssuerIsAcceptedButNothingWasSent() {
    ClientCertificates client = client(withCertificate("client.pem", "client.key"));
    assertThat(client.chooseClientAlias(new String[] {"EC"}, TEST_CA, null)).isNull();
    assertThat(client.refusalHint()).endsWith("(CN=guest, issued by CN=fjord-test-ca) does not suit the request (its "
        + "key type), so it was not sent");
  }

  @Test
  void theHintIsAddedOnlyWhenTheBrokerBrokeTheConnectionOff() {
    String hint = "the broker asked for a client certificate";
    assertThat(AmqpErrors.translate("Cannot connect", new SocketException("Connection reset by peer"), hint))
        .hasMessage("Cannot connect: Connection reset by peer (" + hint + ")");
    assertThat(AmqpErrors.translate("Cannot connect",
        new SSLHandshakeException("Received fatal alert: certificate_required"), hint))
        .hasMessage("Cannot connect: Received fatal alert: certificate_required (" + hint + ")");
    // Fjord's own checks of the broker, and a broker that is not there, have nothing to do with it
    assertThat(AmqpErrors.translate("Cannot connect", new SSLHandshakeException("PKIX path building failed"), hint))
        .hasMessage("Cannot connect: PKIX path building failed");
    assertThat(AmqpErrors.translate("Cannot connect", new ConnectException("Connection refused"), hint))
        .hasMessage("Cannot connect: Connection refused");
    assertThat(AmqpErrors.translate("Cannot connect", new SocketException("Connection reset by peer"), null))
        .hasMessage("Cannot connect: Connection reset by peer");
  }
}
