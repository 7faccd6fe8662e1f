package io.fjord.amqp;

import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportUrl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of a transport from oslo's {@code ssl_*} options: the broker's certificate checked
 * against {@code ssl_ca_file} (PEM; the JDK's trust store when absent), a client certificate from
 * {@code ssl_cert_file} and {@code ssl_key_file} (PEM; the key unencrypted PKCS#8 or PKCS#1 RSA) for
 * brokers that require one, and the protocol of {@code ssl_version}. The client certificate goes
 * through {@link ClientCertificates}, which remembers what the broker asked for. Stateless.
 */
final class TlsContexts {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
  /** A PEM block: its type, its RFC 1421 headers (traditional encrypted keys have them) and its base64. */
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*((?:[A-Za-z-]+:[^\\r\\n]*\\s+)*)([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

  private TlsContexts() {
  }

  /** A transport's TLS context, and its key manager, which can tell why a broker refused a connection. */
  record Tls(SSLContext context, ClientCertificates client) {
  }

  static Tls create(TransportUrl url, AmqpSettings s) {
    try {
      SSLContext ctx = SSLContext.getInstance(s.sslProtocol == null ? "TLS" : s.sslProtocol);
      ClientCertificates client = clientCertificates(s);
      ctx.init(new KeyManager[] {client}, trustManagers(url, s), null);
      return new Tls(ctx, client);
    } catch (GeneralSecurityException | IOException e) {
      throw new TransportException("Cannot set up TLS for " + url + ": " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(TransportUrl url, AmqpSettings s)
      throws GeneralSecurityException, IOException {
    if (!s.sslVerify) {
      log.warn("TLS to {} without certificate verification (ssl_verify=false): do not use this in production", url);
      return new TrustManager[] {new TrustEverything()};
    }
    if (s.sslCaFile == null) {
      return null; // the JDK's trust store
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    try (InputStream in = Files.newInputStream(Path.of(s.sslCaFile))) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
    }
    if (i == 0) {
      throw new GeneralSecurityException("ssl_ca_file " + s.sslCaFile + " holds no PEM certificate");
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  private static ClientCertificates clientCertificates(AmqpSettings s) throws GeneralSecurityException, IOException {
    if (s.sslCertFile == null) {
      return new ClientCertificates(null, null, null);
    }
    Collection<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(Path.of(s.sslCertFile))) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("ssl_cert_file " + s.sslCertFile + " holds no PEM certificate");
    }
    PrivateKey key = privateKey(Path.of(s.sslKeyFile));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] none = new char[0];
    ks.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, none);
    for (KeyManager km : kmf.getKeyManagers()) {
      if (km instanceof X509ExtendedKeyManager x) {
        return new ClientCertificates(x, s.sslCertFile, (X509Certificate) chain.iterator().next());
      }
    }
    throw new GeneralSecurityException("the JDK's " + kmf.getAlgorithm() + " key manager cannot hold client certificates");
  }

  /** An unencrypted PEM private key: PKCS#8 (RSA, EC, Ed25519) or PKCS#1 RSA. */
  static PrivateKey privateKey(Path file) throws GeneralSecurityException, IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      // a traditional key encrypted by openssl (-aes256...) says so in a Proc-Type header
      String type = m.group(2).contains("ENCRYPTED") ? "ENCRYPTED PRIVATE KEY" : m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(3));
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der, file);
        case "RSA PRIVATE KEY":
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
        case "ENCRYPTED PRIVATE KEY":
          throw new GeneralSecurityException("ssl_key_file " + file + " is encrypted; Fjord reads unencrypted keys "
              + "(openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem)");
        case "EC PRIVATE KEY":
          throw new GeneralSecurityException("ssl_key_file " + file + " is a SEC1 EC key; convert it to PKCS#8 "
              + "(openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem)");
        default:
          // certificates or parameters in the same file: look further
      }
    }
    throw new GeneralSecurityException("ssl_key_file " + file + " holds no PEM private key");
  }

  private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "DSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException ignored) {
        // another algorithm
      }
    }
    throw new GeneralSecurityException("ssl_key_file " + file + ": not an RSA, EC or EdDSA PKCS#8 key");
  }

  /** A PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01,
        0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
        : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }

  /** ssl_verify=false: any certificate (testing only; warned about). */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // trusts all
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // trusts all
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
