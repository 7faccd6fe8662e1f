package io.fjord.amqp;

import io.fjord.rpc.TransportUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The RabbitMQ driver's settings, read from transport-URL query options ({@link AmqpOption}): oslo's
 * names with oslo's semantics, Fjord's short names as aliases. An unknown option, an invalid value or
 * a combination oslo refuses is an {@link IllegalArgumentException} naming the option as it was
 * written. Options oslo documents as having no effect (and oslo's that have none in Fjord) are
 * accepted and reported in {@link #notices}, which the transport logs once. Immutable.
 */
final class AmqpSettings {

  /** {@code kombu_failover_strategy}. */
  enum Failover { ROUND_ROBIN, SHUFFLE }

  /** {@code rabbit_login_method}: the SASL mechanism. */
  enum Login { PLAIN, AMQPLAIN, EXTERNAL }

  /** A message about an accepted option, logged once per JVM; {@code warn} false logs at INFO. */
  record Notice(String key, boolean warn, String text) {
  }

  /** oslo's stepped reconnection back-off ({@code rabbit_retry_*}): interval, +backoff per attempt, up to max. */
  record Backoff(Duration interval, Duration step, Duration max) {
    Duration delay(int attempt) {
      Duration d = interval.plus(step.multipliedBy(Math.max(0, attempt - 1L)));
      return d.compareTo(max) > 0 ? max : d;
    }
  }

  /** Content type kombu marks a zlib-compressed body with (its {@code gzip}/{@code zlib} compression). */
  static final String GZIP = "application/x-gzip";

  final int heartbeatSeconds;
  final boolean ssl;
  final String sslCaFile;
  final String sslCertFile;
  final String sslKeyFile;
  /** JSSE protocol name from {@code ssl_version}, or null for the JDK's default. */
  final String sslProtocol;
  final boolean sslVerify;
  final boolean sslVerifyHostname;
  /** basic.qos prefetch for server and listener consumers; 0 sends none (oslo's default, not Fjord's). */
  final int prefetch;
  final boolean confirms;
  /**
   * RPC servers consume their queues with the broker's automatic acknowledgement instead of acknowledging
   * each request when its processing starts (Fjord's {@code rpc_auto_ack}; never on a stream).
   */
  final boolean rpcAutoAck;
  /** {@code amqp_durable_queues} as given, or null: decided from the broker's rules ({@link Topology}). */
  final Boolean durableOption;
  final boolean autoDelete;
  /** x-expires of non-exclusive reply and fanout queues (x-max-age of the fanout stream); zero = none. */
  final Duration transientQueueTtl;
  final Duration connectionTimeout;
  final Duration recoveryInterval;
  /** oslo's stepped back-off when any {@code rabbit_retry_*} option is given; null: every {@link #recoveryInterval}. */
  final Backoff backoff;
  /** How long a reply to a missing reply queue is retried (every 250 ms). */
  final Duration replyRetryTimeout;
  final boolean quorum;
  final boolean transientQuorum;
  final boolean streamFanout;
  final boolean haQueues;
  /** x-delivery-limit; 0 = not sent (RabbitMQ 4 then applies its default of 20), -1 = unlimited on RabbitMQ 4. */
  final int quorumDeliveryLimit;
  final int quorumMaxMemoryLength;
  final int quorumMaxMemoryBytes;
  /** x-dead-letter-exchange of shared queues (a Fjord extension; oslo peers must declare the same). */
  final String deadLetterExchange;
  final boolean queueManager;
  final String hostname;
  final String processname;
  final boolean cancelOnFailover;
  final Duration reconnectDelay;
  final Duration reconnectSplay;
  final Failover failover;
  /** {@link #GZIP} when bodies are compressed as kombu does, else null. */
  final String compression;
  final Login login;
  final List<Notice> notices;

  private AmqpSettings(Reader r, boolean secureScheme) {
    heartbeatSeconds = r.integer(AmqpOption.HEARTBEAT, 60, 0, 3600);
    r.integer(AmqpOption.HEARTBEAT_RATE, 3, 1, 1000);
    if (r.has(AmqpOption.HEARTBEAT_RATE)) {
      r.notice(AmqpOption.HEARTBEAT_RATE, false, "has no effect in Fjord: amqp-client sends heartbeats every half "
          + "timeout from a thread of its own, which nothing else holds");
    }
    if (r.has(AmqpOption.HEARTBEAT_IN_PTHREAD)) {
      r.bool(AmqpOption.HEARTBEAT_IN_PTHREAD, false);
      r.notice(AmqpOption.HEARTBEAT_IN_PTHREAD, true, "is deprecated by oslo.messaging and has no effect in Fjord "
          + "(heartbeats always run on their own thread)");
    }
    connectionTimeout = r.seconds(AmqpOption.CONNECTION_TIMEOUT, 5, 0.1, 300);
    recoveryInterval = r.seconds(AmqpOption.RECOVERY_INTERVAL, 1, 0.05, 300);
    if (r.has(AmqpOption.RETRY_INTERVAL) || r.has(AmqpOption.RETRY_BACKOFF) || r.has(AmqpOption.INTERVAL_MAX)) {
      backoff = new Backoff(Duration.ofSeconds(r.integer(AmqpOption.RETRY_INTERVAL, 1, 1, 3600)),
          Duration.ofSeconds(r.integer(AmqpOption.RETRY_BACKOFF, 2, 0, 3600)),
          Duration.ofSeconds(r.integer(AmqpOption.INTERVAL_MAX, 30, 1, 3600)));
    } else {
      backoff = null;
    }
    failover = switch (r.choice(AmqpOption.FAILOVER_STRATEGY, "round-robin", "round-robin", "shuffle")) {
      case "shuffle" -> Failover.SHUFFLE;
      default -> Failover.ROUND_ROBIN;
    };
    String login = r.choice(AmqpOption.LOGIN_METHOD, "PLAIN", "PLAIN", "AMQPLAIN", "EXTERNAL", "RABBIT-CR-DEMO");
    if (login.equals("RABBIT-CR-DEMO")) {
      throw r.invalid(AmqpOption.LOGIN_METHOD, "is RabbitMQ's demonstration mechanism, which Fjord does not support; "
          + "use PLAIN, AMQPLAIN or EXTERNAL");
    }
    this.login = Login.valueOf(login);
    for (AmqpOption pool : new AmqpOption[] {AmqpOption.POOL_SIZE, AmqpOption.POOL_MIN_SIZE, AmqpOption.POOL_TTL}) {
      if (r.has(pool)) {
        r.integer(pool, 0, pool == AmqpOption.POOL_SIZE ? 1 : 0, Integer.MAX_VALUE);
        r.notice(pool, false, "has no effect in Fjord: a transport keeps one publishing and one consuming "
            + "connection and pools channels, not connections");
      }
    }

    ssl = secureScheme || r.bool(AmqpOption.SSL, false);
    sslCaFile = r.file(AmqpOption.SSL_CA_FILE);
    sslCertFile = r.file(AmqpOption.SSL_CERT_FILE);
    sslKeyFile = r.file(AmqpOption.SSL_KEY_FILE);
    if ((sslCertFile == null) != (sslKeyFile == null)) {
      throw r.invalid(sslCertFile == null ? AmqpOption.SSL_KEY_FILE : AmqpOption.SSL_CERT_FILE,
          "needs " + (sslCertFile == null ? "ssl_cert_file" : "ssl_key_file") + " too: a client certificate "
          + "is a certificate and its private key");
    }
    sslProtocol = switch (r.choice(AmqpOption.SSL_VERSION, "", "", "tlsv1", "tlsv1_1", "tlsv1_2", "tlsv1_3", "sslv23")) {
      case "tlsv1" -> "TLSv1";
      case "tlsv1_1" -> "TLSv1.1";
      case "tlsv1_2" -> "TLSv1.2";
      case "tlsv1_3" -> "TLSv1.3";
      default -> null; // "" and sslv23: negotiate the best both sides support
    };
    sslVerify = r.bool(AmqpOption.SSL_VERIFY, true);
    sslVerifyHostname = r.bool(AmqpOption.SSL_HOSTNAME_VERIFICATION, true);
    if (r.has(AmqpOption.SSL_FIPS)) {
      r.bool(AmqpOption.SSL_FIPS, false);
      r.notice(AmqpOption.SSL_FIPS, true, "has no effect (oslo.messaging documents it so since OpenSSL 3 removed "
          + "FIPS_mode_set); configure FIPS in the JDK's security providers instead");
    }
    if (this.login == Login.EXTERNAL && (!ssl || sslCertFile == null)) {
      throw r.invalid(AmqpOption.LOGIN_METHOD, "authenticates with the client certificate: it needs ssl=true, "
          + "ssl_cert_file and ssl_key_file");
    }

    prefetch = r.integer(AmqpOption.PREFETCH, 64, 0, 65535);
    confirms = r.bool(AmqpOption.CONFIRMS, true);
    rpcAutoAck = r.bool(AmqpOption.RPC_AUTO_ACK, false);
    compression = switch (r.choice(AmqpOption.COMPRESSION, "", "", "gzip", "zlib", GZIP, "bz2", "bzip2", "lzma",
        "xz", "brotli", "zstd")) {
      case "" -> null;
      case "gzip", "zlib", GZIP -> GZIP;
      default -> throw r.invalid(AmqpOption.COMPRESSION, "is not supported by Fjord; it compresses with gzip (kombu's "
          + "zlib) only, and reads gzip-compressed bodies from oslo peers whatever this option says");
    };
    replyRetryTimeout = r.seconds(AmqpOption.REPLY_RETRY_TIMEOUT, 60, 0, 3600);
    if (r.has(AmqpOption.DIRECT_MANDATORY) && !r.bool(AmqpOption.DIRECT_MANDATORY, true)) {
      r.notice(AmqpOption.DIRECT_MANDATORY, true, "=false has no effect: oslo.messaging deprecated it and replies "
          + "are always published mandatory, so a missing reply queue is noticed and retried");
    }
    reconnectDelay = r.seconds(AmqpOption.RECONNECT_DELAY, 1, 0, 3600);
    reconnectSplay = r.seconds(AmqpOption.RECONNECT_SPLAY, 0, 0, 3600);
    cancelOnFailover = r.bool(AmqpOption.CANCEL_ON_FAILOVER, false);

    quorum = r.bool(AmqpOption.QUORUM, false);
    transientQuorum = r.bool(AmqpOption.TRANSIENT_QUORUM, false);
    streamFanout = r.bool(AmqpOption.STREAM_FANOUT, false);
    haQueues = r.bool(AmqpOption.HA_QUEUES, false);
    quorumDeliveryLimit = r.integer(AmqpOption.QUORUM_DELIVERY_LIMIT, 0, -1, Integer.MAX_VALUE);
    quorumMaxMemoryLength = r.integer(AmqpOption.QUORUM_MAX_MEMORY_LENGTH, 0, 0, Integer.MAX_VALUE);
    quorumMaxMemoryBytes = r.integer(AmqpOption.QUORUM_MAX_MEMORY_BYTES, 0, 0, Integer.MAX_VALUE);
    deadLetterExchange = r.string(AmqpOption.DEAD_LETTER_EXCHANGE, null);
    durableOption = r.has(AmqpOption.DURABLE) ? r.bool(AmqpOption.DURABLE, false) : null;
    autoDelete = r.bool(AmqpOption.AUTO_DELETE, false);
    transientQueueTtl = Duration.ofSeconds(r.integer(AmqpOption.TRANSIENT_QUEUE_TTL, 1800, 0, Integer.MAX_VALUE / 1000));
    queueManager = r.bool(AmqpOption.QUEUE_MANAGER, false);
    hostname = r.string(AmqpOption.HOSTNAME, null);
    processname = r.string(AmqpOption.PROCESSNAME, null);

    if (quorum && haQueues) {
      throw r.invalid(AmqpOption.HA_QUEUES, "cannot be combined with rabbit_quorum_queue=true: a queue is quorum or "
          + "mirrored, not both (oslo.messaging refuses this too)");
    }
    if (transientQuorum && haQueues) {
      throw r.invalid(AmqpOption.HA_QUEUES, "cannot be combined with rabbit_transient_quorum_queue=true: a queue is "
          + "quorum or mirrored, not both (oslo.messaging refuses this too)");
    }
    if (quorum && autoDelete) {
      throw r.invalid(AmqpOption.AUTO_DELETE, "cannot be combined with rabbit_quorum_queue=true: RabbitMQ refuses "
          + "auto-delete quorum queues (406 invalid property 'auto-delete')");
    }
    if (streamFanout && !transientQuorum) {
      throw r.invalid(AmqpOption.STREAM_FANOUT, "needs rabbit_transient_quorum_queue=true, as in oslo.messaging (the "
          + "fanout exchange must be durable to bind a stream)");
    }
    if (streamFanout && prefetch == 0) {
      throw r.invalid(AmqpOption.PREFETCH, "must be greater than 0 with rabbit_stream_fanout=true: RabbitMQ "
          + "delivers from a stream only to a consumer with a prefetch");
    }
    if (haQueues) {
      r.notice(AmqpOption.HA_QUEUES, true, "only adds x-ha-policy=all to queue declarations, which RabbitMQ 3.0 and "
          + "later ignore (oslo.messaging documents this); mirror with a policy, or use rabbit_quorum_queue=true");
    }
    if (queueManager && !transientQuorum && r.has(AmqpOption.TRANSIENT_QUEUE_TTL) && transientQueueTtl.isZero()) {
      r.notice(AmqpOption.TRANSIENT_QUEUE_TTL, true, "=0 with use_queue_manager=true: reply and fanout queues are "
          + "kept when a process stops and never expire; delete them with a policy");
    }
    notices = List.copyOf(r.notices);
  }

  static AmqpSettings from(TransportUrl url) {
    return new AmqpSettings(new Reader(url), url.scheme().equals("amqps"));
  }

  /** True when shared queues are durable whatever the broker: given explicitly, or implied by quorum. */
  boolean durableGiven() {
    return quorum || durableOption != null;
  }

  /** Arguments of the shared ({@code <topic>}, {@code <topic>.<server>}, notification) queues, as oslo's. */
  Map<String, Object> sharedQueueArguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    if (haQueues) {
      args.put("x-ha-policy", "all");
    }
    if (quorum) {
      putQuorum(args);
    }
    if (deadLetterExchange != null) {
      args.put("x-dead-letter-exchange", deadLetterExchange);
    }
    return args;
  }

  /** oslo's quorum arguments: the type, and the limits that are set. */
  void putQuorum(Map<String, Object> args) {
    args.put("x-queue-type", "quorum");
    if (quorumDeliveryLimit != 0) {
      args.put("x-delivery-limit", quorumDeliveryLimit);
    }
    if (quorumMaxMemoryLength > 0) {
      args.put("x-max-in-memory-length", quorumMaxMemoryLength);
    }
    if (quorumMaxMemoryBytes > 0) {
      args.put("x-max-in-memory-bytes", quorumMaxMemoryBytes);
    }
  }

  /** Reads option values, naming the option as the URL wrote it in every error. */
  private static final class Reader {
    private final TransportUrl url;
    private final Map<AmqpOption, String> values = new EnumMap<>(AmqpOption.class);
    private final Map<AmqpOption, String> keys = new EnumMap<>(AmqpOption.class);
    final List<Notice> notices = new ArrayList<>();

    Reader(TransportUrl url) {
      this.url = url;
      Map<String, AmqpOption> byName = new LinkedHashMap<>();
      for (AmqpOption o : AmqpOption.values()) {
        byName.put(o.canonical, o);
        o.aliases.forEach(a -> byName.put(a, o));
        o.deprecated.forEach(a -> byName.put(a, o));
      }
      for (Map.Entry<String, String> e : url.options().entrySet()) {
        AmqpOption o = byName.get(e.getKey());
        if (o == null) {
          throw new IllegalArgumentException("Unknown option '" + e.getKey() + "' in transport URL " + url
              + "; known options: " + new TreeSet<>(byName.keySet()));
        }
        String earlier = keys.put(o, e.getKey());
        if (earlier != null) {
          throw new IllegalArgumentException("Options '" + earlier + "' and '" + e.getKey() + "' in transport URL "
              + url + " are two names of one option; give it once");
        }
        values.put(o, e.getValue());
        if (o.deprecated.contains(e.getKey())) {
          notices.add(new Notice(e.getKey(), true, "is a deprecated name; use " + o.canonical));
        }
      }
    }

    boolean has(AmqpOption o) {
      return values.containsKey(o);
    }

    void notice(AmqpOption o, boolean warn, String text) {
      notices.add(new Notice(keys.getOrDefault(o, o.canonical), warn, text));
    }

    IllegalArgumentException invalid(AmqpOption o, String why) {
      String key = keys.getOrDefault(o, o.canonical);
      String value = values.get(o);
      return new IllegalArgumentException("Option " + key + (value == null ? "" : "=" + value) + " in transport URL "
          + url + " " + why);
    }

    int integer(AmqpOption o, int dflt, int min, int max) {
      String s = values.get(o);
      if (s == null) {
        return dflt;
      }
      try {
        int i = Integer.parseInt(s.trim());
        if (i >= min && i <= max) {
          return i;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw invalid(o, "must be an integer from " + min + " to " + max);
    }

    Duration seconds(AmqpOption o, double dflt, double min, double max) {
      String s = values.get(o);
      double d = dflt;
      if (s != null) {
        try {
          d = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          d = Double.NaN;
        }
        if (!(d >= min && d <= max)) {
          throw invalid(o, "must be a number of seconds from " + min + " to " + max);
        }
      }
      return Duration.ofNanos((long) (d * 1e9));
    }

    boolean bool(AmqpOption o, boolean dflt) {
      String s = values.get(o);
      if (s == null) {
        return dflt;
      }
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "1", "true", "yes", "on" -> true;
        case "0", "false", "no", "off" -> false;
        default -> throw invalid(o, "must be true or false");
      };
    }

    String string(AmqpOption o, String dflt) {
      String s = values.get(o);
      return s == null || s.isBlank() ? dflt : s.trim();
    }

    /** One of {@code allowed}, compared case-insensitively; returned as written in {@code allowed}. */
    String choice(AmqpOption o, String dflt, String... allowed) {
      String s = values.get(o);
      if (s == null || s.isBlank()) {
        return dflt;
      }
      for (String a : allowed) {
        if (a.equalsIgnoreCase(s.trim())) {
          return a;
        }
      }
      List<String> shown = new ArrayList<>(List.of(allowed));
      shown.remove("");
      throw invalid(o, "must be one of " + shown);
    }

    /** A file that must be readable, or null when not given. */
    String file(AmqpOption o) {
      String s = string(o, null);
      if (s != null && !Files.isReadable(Path.of(s))) {
        throw invalid(o, "names a file that does not exist or cannot be read");
      }
      return s;
    }
  }
}
