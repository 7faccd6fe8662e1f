package io.fjord.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.impl.LongStringHelper;
import io.fjord.rpc.TransportUrl;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds amqp-client's ConnectionFactory and address resolvers from a transport URL and its settings. */
final class ConnectionFactories {
  private static final Logger log = LoggerFactory.getLogger(ConnectionFactories.class);

  private ConnectionFactories() {
  }

  /** A factory for {@code url}'s connections; {@code tls} is the TLS context when {@code s.ssl}, else null. */
  static ConnectionFactory create(TransportUrl url, AmqpSettings s, TlsContexts.Tls tls) {
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
    if (s.backoff != null) {
      // oslo's rabbit_retry_interval/backoff/interval_max: 1, 3, 5, ... up to 30 s by default
      f.setRecoveryDelayHandler(attempt -> s.backoff.delay(attempt + 1).toMillis());
    }
    f.setSaslConfig(sasl(s.login));
    if (tls != null) {
      // not useSslProtocol(SSLContext) nor setSslContextFactory: both turn host name verification on,
      // which ssl_enforce_hostname_verification=false and ssl_verify=false must leave off; the
      // blocking frame handler makes its sockets from this factory
      f.setSocketFactory(tls.context().getSocketFactory());
      if (s.sslVerify && s.sslVerifyHostname) {
        f.enableHostnameVerification();
      }
    }
    return f;
  }

  private static SaslConfig sasl(AmqpSettings.Login login) {
    return switch (login) {
      case EXTERNAL -> DefaultSaslConfig.EXTERNAL;
      case AMQPLAIN -> mechanisms -> {
        for (String m : mechanisms) {
          if (m.equals("AMQPLAIN")) {
            return AMQPLAIN;
          }
        }
        return null; // amqp-client then says which mechanisms the broker offers
      };
      default -> DefaultSaslConfig.PLAIN;
    };
  }

  /** RabbitMQ's AMQPLAIN (oslo's default): LOGIN and PASSWORD as an AMQP field table without its length. */
  private static final SaslMechanism AMQPLAIN = new SaslMechanism() {
    @Override
    public String getName() {
      return "AMQPLAIN";
    }

    @Override
    public LongString handleChallenge(LongString challenge, String username, String password) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      field(out, "LOGIN", username);
      field(out, "PASSWORD", password);
      return LongStringHelper.asLongString(out.toByteArray());
    }

    private void field(ByteArrayOutputStream out, String name, String value) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      out.write(n.length);
      out.writeBytes(n);
      out.write('S');
      out.write(v.length >>> 24);
      out.write(v.length >>> 16);
      out.write(v.length >>> 8);
      out.write(v.length);
      out.writeBytes(v);
    }
  };

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

  /**
   * The hosts one connection tries, per {@code kombu_failover_strategy}. Round-robin: the URL's order
   * at first (so a primary/standby list means what it says; oslo shuffles it), then, when the
   * connection breaks, starting after the host it was on, as kombu cycles. Shuffle: a random order
   * each time. amqp-client asks before every connection and recovery attempt.
   */
  static final class Failover implements AddressResolver {
    private final List<Address> addresses;
    private final AmqpSettings.Failover strategy;
    private volatile int next;

    Failover(List<Address> addresses, AmqpSettings.Failover strategy) {
      this.addresses = addresses;
      this.strategy = strategy;
    }

    /** The connection is on {@code address}: the next attempt starts after it. */
    void connectedTo(java.net.InetAddress address, int port) {
      for (int i = 0; i < addresses.size(); i++) {
        Address a = addresses.get(i);
        if (a.getPort() == port && matches(a.getHost(), address)) {
          next = (i + 1) % addresses.size();
          return;
        }
      }
    }

    private static boolean matches(String host, java.net.InetAddress address) {
      if (host.equals(address.getHostAddress()) || host.equalsIgnoreCase(address.getHostName())) {
        return true;
      }
      try {
        for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
          if (a.equals(address)) {
            return true;
          }
        }
      } catch (java.net.UnknownHostException ignored) {
        // cannot resolve: not this one
      }
      return false;
    }

    @Override
    public List<Address> getAddresses() {
      List<Address> out = new ArrayList<>(addresses.size());
      for (int i = 0; i < addresses.size(); i++) {
        out.add(addresses.get((next + i) % addresses.size()));
      }
      return out;
    }

    @Override
    public List<Address> maybeShuffle(List<Address> input) {
      if (strategy != AmqpSettings.Failover.SHUFFLE) {
        return input;
      }
      List<Address> copy = new ArrayList<>(input);
      Collections.shuffle(copy);
      return copy;
    }
  }
}
