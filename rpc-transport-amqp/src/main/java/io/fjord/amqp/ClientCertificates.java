package io.fjord.amqp;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * The key manager of a transport's TLS context, so that a connection the broker refuses for its
 * client certificate can say why ({@link #refusalHint()}). It presents {@code ssl_cert_file}'s
 * certificate as the JDK's key manager does (only when the broker asks for one and names its issuer
 * among those it accepts, or names none), and remembers the broker's last request. A broker that
 * refuses a client certificate, or the lack of one, closes the connection in or right after the
 * handshake, and the client then mostly sees only "Connection reset by peer", not the broker's alert.
 * Thread-safe.
 */
final class ClientCertificates extends X509ExtendedKeyManager {
  /** What the broker asked for in its last certificate request, and whether a certificate went back. */
  private record Request(List<String> issuers, boolean presented) {
  }

  private final X509ExtendedKeyManager keys;
  private final String certFile;
  private final X509Certificate certificate;
  private volatile Request last;

  /**
   * {@code keys} holds {@code certificate} (the first of {@code certFile}'s chain) and its key; all
   * three are null when no client certificate is configured.
   */
  ClientCertificates(X509ExtendedKeyManager keys, String certFile, X509Certificate certificate) {
    this.keys = keys;
    this.certFile = certFile;
    this.certificate = certificate;
  }

  /**
   * Why the broker may have refused the connection, from its last certificate request on any of the
   * transport's connections, e.g. "the broker asked for a client certificate issued by CN=ca and none
   * is configured: set ssl_cert_file and ssl_key_file"; null when the broker never asked for one.
   */
  String refusalHint() {
    Request r = last;
    if (r == null) {
      return null;
    }
    String asked = "the broker asked for a client certificate"
        + (r.issuers.isEmpty() ? "" : " issued by " + String.join(" or ", r.issuers));
    if (certificate == null) {
      return asked + " and none is configured: set ssl_cert_file and ssl_key_file";
    }
    String issuer = certificate.getIssuerX500Principal().getName();
    String mine = "ssl_cert_file " + certFile + " (" + certificate.getSubjectX500Principal().getName() + ", issued by "
        + issuer + ")";
    if (r.presented) {
      return asked + " and got " + mine + ": check that the broker trusts its issuer and accepts its subject";
    }
    if (!r.issuers.isEmpty() && !r.issuers.contains(issuer)) {
      return asked + ", which " + mine + " is not, so it was not sent";
    }
    return asked + ", and " + mine + " does not suit the request (its key type), so it was not sent";
  }

  private String remember(Principal[] issuers, String alias) {
    List<String> names = new ArrayList<>();
    for (Principal p : issuers == null ? new Principal[0] : issuers) {
      names.add(p instanceof X500Principal x ? x.getName() : p.getName());
    }
    last = new Request(List.copyOf(names), alias != null);
    return alias;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return remember(issuers, keys == null ? null : keys.chooseClientAlias(keyType, issuers, socket));
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return remember(issuers, keys == null ? null : keys.chooseEngineClientAlias(keyType, issuers, engine));
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return keys == null ? null : keys.getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return keys == null ? null : keys.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return keys == null ? null : keys.getPrivateKey(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null; // a client only
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
