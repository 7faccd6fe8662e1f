package io.fjord.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportUrl;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds amqp-client's ConnectionFactory and address list from a transport URL. */
final class ConnectionFactories {
  private static final Logger log = LoggerFactory.getLogger(ConnectionFactories.class);

  private ConnectionFactories() {
  }

  static ConnectionFactory create(TransportUrl url, AmqpSettings s) {
    ConnectionFactory f = new ConnectionFactory();
    String user = null;
    String pass = null;
    for (TransportUrl.Host h : url.hosts()) {
      if (h.username() != null) {
        if (user == null) {
          user = h.username();
          pass = h.password();
        } else if (!user.equals(h.username()) || !java.util.Objects.equals(pass, h.password())) {
          log.warn("Transport URL {} gives different credentials per host; using those of the first host", url);
          break;
        }
      }
    }
    // as kombu: no credentials means guest/guest
    f.setUsername(user == null || user.isEmpty() ? "guest" : user);
    f.setPassword(pass == null ? (user == null || user.isEmpty() ? "guest" : "") : pass);
    f.setVirtualHost(url.virtualHost());
    f.setRequestedHeartbeat(s.heartbeatSeconds);
    int timeout = (int) s.connectionTimeout.toMillis();
    f.setConnectionTimeout(timeout);
    f.setHandshakeTimeout(Math.max(timeout, 1000));
    f.setShutdownTimeout(Math.max(timeout, 1000));
    f.setChannelRpcTimeout(Math.max(5000, timeout));
    f.setAutomaticRecoveryEnabled(true);
    // Fjord re-declares its own queues and consumers after recovery (see Subscription)
    f.setTopologyRecoveryEnabled(false);
    f.setNetworkRecoveryInterval(s.recoveryInterval.toMillis());
    if (s.ssl) {
      configureTls(f, url, s);
    }
    return f;
  }

  private static void configureTls(ConnectionFactory f, TransportUrl url, AmqpSettings s) {
    try {
      if (!s.sslVerify) {
        log.warn("TLS to {} without certificate verification (ssl_verify=false): do not use this in production", url);
        f.useSslProtocol();
        return;
      }
      SSLContext ctx;
      if (s.sslCaFile != null) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(s.sslCaFile))) {
          int i = 0;
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            ks.setCertificateEntry("ca-" + i++, c);
          }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
      } else {
        ctx = SSLContext.getDefault();
      }
      f.useSslProtocol(ctx);
      f.enableHostnameVerification();
    } catch (Exception e) {
      throw new TransportException("Cannot set up TLS for " + url + ": " + e.getMessage(), e);
    }
  }

  /** The URL's hosts in order; localhost when it names none. Default port 5672, or 5671 with TLS. */
  static List<Address> addresses(TransportUrl url, AmqpSettings s) {
    int dflt = s.ssl ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT;
    List<Address> out = new ArrayList<>();
    for (TransportUrl.Host h : url.hosts()) {
      out.add(new Address(h.hostname(), h.portOr(dflt)));
    }
    if (out.isEmpty()) {
      out.add(new Address("localhost", dflt));
    }
    return List.copyOf(out);
  }
}
