package io.fjord.amqp;

import io.fjord.rpc.TransportUrl;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The RabbitMQ driver's settings, read from transport-URL query options. Each option has a short
 * Fjord name and accepts oslo's {@code [oslo_messaging_rabbit]} name as an alias, so an oslo URL
 * works unchanged. Unknown options are rejected, naming the known ones. Immutable.
 */
final class AmqpSettings {

  private enum Option {
    HEARTBEAT("heartbeat", "heartbeat_timeout_threshold"),
    SSL("ssl"),
    SSL_CA_FILE("ssl_ca_file"),
    SSL_VERIFY("ssl_verify"),
    PREFETCH("prefetch", "rabbit_qos_prefetch_count"),
    CONFIRMS("confirms"),
    DURABLE("durable", "amqp_durable_queues"),
    AUTO_DELETE("auto_delete", "amqp_auto_delete"),
    TRANSIENT_QUEUE_TTL("transient_queue_ttl", "rabbit_transient_queues_ttl"),
    CONNECTION_TIMEOUT("connection_timeout"),
    RECOVERY_INTERVAL("recovery_interval"),
    REPLY_RETRY_TIMEOUT("reply_retry_timeout", "kombu_missing_consumer_retry_timeout"),
    QUORUM("quorum", "rabbit_quorum_queue"),
    QUORUM_DELIVERY_LIMIT("quorum_delivery_limit", "rabbit_quorum_delivery_limit"),
    QUORUM_MAX_MEMORY_LENGTH("quorum_max_memory_length", "rabbit_quroum_max_memory_length"),
    QUORUM_MAX_MEMORY_BYTES("quorum_max_memory_bytes", "rabbit_quroum_max_memory_bytes"),
    DEAD_LETTER_EXCHANGE("dead_letter_exchange");

    final List<String> names;

    Option(String... names) {
      this.names = List.of(names);
    }
  }

  /** AMQP heartbeat in seconds (oslo default 60); 0 disables. */
  final int heartbeatSeconds;
  final boolean ssl;
  final String sslCaFile;
  final boolean sslVerify;
  /** basic.qos prefetch for server and listener consumers. */
  final int prefetch;
  final boolean confirms;
  final boolean durable;
  final boolean autoDelete;
  /** x-expires of reply and fanout queues. */
  final Duration transientQueueTtl;
  final Duration connectionTimeout;
  final Duration recoveryInterval;
  /** How long a reply to a missing reply queue is retried (every 250 ms). */
  final Duration replyRetryTimeout;
  /** Quorum shared queues (oslo's rabbit_quorum_queue); forces durable. */
  final boolean quorum;
  final int quorumDeliveryLimit;
  final int quorumMaxMemoryLength;
  final int quorumMaxMemoryBytes;
  /** x-dead-letter-exchange of shared queues (a Fjord extension; oslo peers must declare the same). */
  final String deadLetterExchange;

  private AmqpSettings(Map<Option, String> v, boolean secureScheme) {
    heartbeatSeconds = intValue(v, Option.HEARTBEAT, 60, 0, 3600);
    ssl = secureScheme || boolValue(v, Option.SSL, false);
    sslCaFile = v.get(Option.SSL_CA_FILE);
    sslVerify = boolValue(v, Option.SSL_VERIFY, true);
    prefetch = intValue(v, Option.PREFETCH, 64, 0, 65535);
    confirms = boolValue(v, Option.CONFIRMS, true);
    quorum = boolValue(v, Option.QUORUM, false);
    quorumDeliveryLimit = intValue(v, Option.QUORUM_DELIVERY_LIMIT, 0, 0, Integer.MAX_VALUE);
    quorumMaxMemoryLength = intValue(v, Option.QUORUM_MAX_MEMORY_LENGTH, 0, 0, Integer.MAX_VALUE);
    quorumMaxMemoryBytes = intValue(v, Option.QUORUM_MAX_MEMORY_BYTES, 0, 0, Integer.MAX_VALUE);
    deadLetterExchange = v.get(Option.DEAD_LETTER_EXCHANGE);
    // as oslo: quorum queues are durable, and so is the exchange they are bound to
    durable = quorum || boolValue(v, Option.DURABLE, false);
    autoDelete = boolValue(v, Option.AUTO_DELETE, false);
    transientQueueTtl = Duration.ofSeconds(intValue(v, Option.TRANSIENT_QUEUE_TTL, 1800, 1, Integer.MAX_VALUE / 1000));
    connectionTimeout = Duration.ofMillis((long) (doubleValue(v, Option.CONNECTION_TIMEOUT, 5, 0.1, 300) * 1000));
    recoveryInterval = Duration.ofMillis((long) (doubleValue(v, Option.RECOVERY_INTERVAL, 1, 0.05, 300) * 1000));
    replyRetryTimeout = Duration.ofMillis((long) (doubleValue(v, Option.REPLY_RETRY_TIMEOUT, 60, 0, 3600) * 1000));
  }

  /** Arguments of the shared ({@code <topic>}, {@code <topic>.<server>}, notification) queues, as oslo's. */
  java.util.Map<String, Object> sharedQueueArguments() {
    java.util.Map<String, Object> args = new LinkedHashMap<>();
    if (quorum) {
      args.put("x-queue-type", "quorum");
      if (quorumDeliveryLimit > 0) {
        args.put("x-delivery-limit", quorumDeliveryLimit);
      }
      if (quorumMaxMemoryLength > 0) {
        args.put("x-max-in-memory-length", quorumMaxMemoryLength);
      }
      if (quorumMaxMemoryBytes > 0) {
        args.put("x-max-in-memory-bytes", quorumMaxMemoryBytes);
      }
    }
    if (deadLetterExchange != null) {
      args.put("x-dead-letter-exchange", deadLetterExchange);
    }
    return args;
  }

  static AmqpSettings from(TransportUrl url) {
    Map<String, Option> byName = new LinkedHashMap<>();
    for (Option o : Option.values()) {
      o.names.forEach(n -> byName.put(n, o));
    }
    Map<Option, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : url.options().entrySet()) {
      Option o = byName.get(e.getKey());
      if (o == null) {
        throw new IllegalArgumentException("Unknown option '" + e.getKey() + "' in transport URL " + url
            + "; known options: " + new TreeSet<>(byName.keySet()));
      }
      values.put(o, e.getValue());
    }
    return new AmqpSettings(values, url.scheme().equals("amqps"));
  }

  private static String name(Option o) {
    return o.names.get(0);
  }

  private static int intValue(Map<Option, String> v, Option o, int dflt, int min, int max) {
    String s = v.get(o);
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
    throw new IllegalArgumentException("Option " + name(o) + "=" + s + " must be an integer from " + min + " to " + max);
  }

  private static double doubleValue(Map<Option, String> v, Option o, double dflt, double min, double max) {
    String s = v.get(o);
    if (s == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(s.trim());
      if (d >= min && d <= max) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("Option " + name(o) + "=" + s + " must be a number of seconds from " + min + " to " + max);
  }

  private static boolean boolValue(Map<Option, String> v, Option o, boolean dflt) {
    String s = v.get(o);
    if (s == null) {
      return dflt;
    }
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "on":
        return true;
      case "0", "false", "no", "off":
        return false;
      default:
        throw new IllegalArgumentException("Option " + name(o) + "=" + s + " must be true or false");
    }
  }
}
