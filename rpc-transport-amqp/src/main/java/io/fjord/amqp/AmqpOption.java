package io.fjord.amqp;

import java.util.List;

/**
 * Every transport-URL query option the RabbitMQ driver accepts: oslo.messaging's
 * {@code [oslo_messaging_rabbit]} options under oslo's names (so a URL or option set copied from an
 * oslo configuration opens), the deprecated names oslo still accepts, and Fjord's own short names.
 * The README's "Transport URL options" table lists the same options; {@code AmqpOptionTest} keeps the
 * two in step.
 */
enum AmqpOption {
  // ---- connection
  HEARTBEAT("heartbeat_timeout_threshold", List.of("heartbeat"), List.of()),
  HEARTBEAT_RATE("heartbeat_rate", List.of(), List.of()),
  HEARTBEAT_IN_PTHREAD("heartbeat_in_pthread", List.of(), List.of()),
  CONNECTION_TIMEOUT("connection_timeout", List.of(), List.of()),
  RECOVERY_INTERVAL("recovery_interval", List.of(), List.of()),
  RETRY_INTERVAL("rabbit_retry_interval", List.of(), List.of()),
  RETRY_BACKOFF("rabbit_retry_backoff", List.of(), List.of()),
  INTERVAL_MAX("rabbit_interval_max", List.of(), List.of()),
  FAILOVER_STRATEGY("kombu_failover_strategy", List.of(), List.of()),
  LOGIN_METHOD("rabbit_login_method", List.of(), List.of()),
  POOL_SIZE("rpc_conn_pool_size", List.of(), List.of()),
  POOL_MIN_SIZE("conn_pool_min_size", List.of(), List.of()),
  POOL_TTL("conn_pool_ttl", List.of(), List.of()),
  // ---- TLS
  SSL("ssl", List.of(), List.of("rabbit_use_ssl")),
  SSL_CA_FILE("ssl_ca_file", List.of(), List.of("kombu_ssl_ca_certs")),
  SSL_CERT_FILE("ssl_cert_file", List.of(), List.of("kombu_ssl_certfile")),
  SSL_KEY_FILE("ssl_key_file", List.of(), List.of("kombu_ssl_keyfile")),
  SSL_VERSION("ssl_version", List.of(), List.of("kombu_ssl_version")),
  SSL_VERIFY("ssl_verify", List.of(), List.of()),
  SSL_HOSTNAME_VERIFICATION("ssl_enforce_hostname_verification", List.of(), List.of()),
  SSL_FIPS("ssl_enforce_fips_mode", List.of(), List.of()),
  // ---- publishing and consuming
  PREFETCH("rabbit_qos_prefetch_count", List.of("prefetch"), List.of()),
  CONFIRMS("confirms", List.of(), List.of()),
  COMPRESSION("kombu_compression", List.of(), List.of()),
  REPLY_RETRY_TIMEOUT("kombu_missing_consumer_retry_timeout", List.of("reply_retry_timeout"),
      List.of("kombu_reconnect_timeout")),
  DIRECT_MANDATORY("direct_mandatory_flag", List.of(), List.of()),
  RECONNECT_DELAY("kombu_reconnect_delay", List.of(), List.of()),
  RECONNECT_SPLAY("kombu_reconnect_splay", List.of(), List.of()),
  CANCEL_ON_FAILOVER("enable_cancel_on_failover", List.of(), List.of()),
  // ---- topology
  DURABLE("amqp_durable_queues", List.of("durable"), List.of("rabbit_durable_queues")),
  AUTO_DELETE("amqp_auto_delete", List.of("auto_delete"), List.of()),
  TRANSIENT_QUEUE_TTL("rabbit_transient_queues_ttl", List.of("transient_queue_ttl"), List.of()),
  HA_QUEUES("rabbit_ha_queues", List.of(), List.of()),
  QUORUM("rabbit_quorum_queue", List.of("quorum"), List.of()),
  TRANSIENT_QUORUM("rabbit_transient_quorum_queue", List.of(), List.of()),
  QUORUM_DELIVERY_LIMIT("rabbit_quorum_delivery_limit", List.of("quorum_delivery_limit"), List.of()),
  QUORUM_MAX_MEMORY_LENGTH("rabbit_quorum_max_memory_length", List.of("quorum_max_memory_length"),
      List.of("rabbit_quroum_max_memory_length")),
  QUORUM_MAX_MEMORY_BYTES("rabbit_quorum_max_memory_bytes", List.of("quorum_max_memory_bytes"),
      List.of("rabbit_quroum_max_memory_bytes")),
  STREAM_FANOUT("rabbit_stream_fanout", List.of(), List.of()),
  QUEUE_MANAGER("use_queue_manager", List.of(), List.of()),
  HOSTNAME("hostname", List.of(), List.of()),
  PROCESSNAME("processname", List.of(), List.of()),
  DEAD_LETTER_EXCHANGE("dead_letter_exchange", List.of(), List.of()),
  RPC_AUTO_ACK("rpc_auto_ack", List.of(), List.of());

  /** oslo's name, or Fjord's where oslo has no such option. */
  final String canonical;
  /** Fjord's short names, accepted silently. */
  final List<String> aliases;
  /** Names oslo deprecated, accepted with a warning. */
  final List<String> deprecated;

  AmqpOption(String canonical, List<String> aliases, List<String> deprecated) {
    this.canonical = canonical;
    this.aliases = aliases;
    this.deprecated = deprecated;
  }
}
