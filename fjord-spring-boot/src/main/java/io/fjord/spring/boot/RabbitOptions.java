package io.fjord.spring.boot;

import io.fjord.rpc.TransportUrl;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * oslo.messaging's {@code [oslo_messaging_rabbit]} options as typed properties under {@code fjord.rabbit.*};
 * each one that is set becomes the URL option of oslo's name, replacing the same option in the URL. They apply
 * to the RabbitMQ schemes only ({@code memory://} takes no options). Times are {@code Duration}s
 * ({@code 30s}, {@code 2m}); oslo's integer options take whole seconds.
 *
 * <p>Not thread-safe while binding; read-only afterwards.
 */
public class RabbitOptions {

  private static final Set<String> RABBIT_SCHEMES = Set.of("rabbit", "amqp", "amqps", "kombu");
  /** Whether topic exchanges and shared queues are durable (oslo's amqp_durable_queues). Default: durable exactly when the broker refuses transient queues. */
  private Boolean durableQueues;
  /** Whether topic exchanges and shared queues are auto-delete (oslo's amqp_auto_delete). */
  private Boolean autoDelete;
  /** Whether shared queues are quorum queues (oslo's rabbit_quorum_queue). */
  private Boolean quorumQueue;
  /** Whether reply and fanout queues are quorum queues (oslo's rabbit_transient_quorum_queue). */
  private Boolean transientQuorumQueue;
  /** x-delivery-limit of quorum queues; 0: the broker's default (oslo's rabbit_quorum_delivery_limit). */
  private Integer quorumDeliveryLimit;
  /** x-max-in-memory-length of quorum queues (oslo's rabbit_quorum_max_memory_length). */
  private Integer quorumMaxMemoryLength;
  /** x-max-in-memory-bytes of quorum queues (oslo's rabbit_quorum_max_memory_bytes). */
  private Long quorumMaxMemoryBytes;
  /** Whether fanout uses one stream per topic (oslo's rabbit_stream_fanout). */
  private Boolean streamFanout;
  /** Whether reply and fanout queues get stable names hostname:processname:n (oslo's use_queue_manager). */
  private Boolean useQueueManager;
  /** Host name in queue-manager queue names. Default: the kernel's host name. */
  private String hostname;
  /** Process name in queue-manager queue names. Default: the jar's or main class's name. */
  private String processname;
  /** Expiry of reply and fanout queues, whole seconds (oslo's rabbit_transient_queues_ttl). Default: 1800 s. */
  private Duration transientQueuesTtl;
  /** Per-consumer prefetch of servers and listeners; 0 sends none (oslo's rabbit_qos_prefetch_count). Default: 64. */
  private Integer qosPrefetchCount;
  /** AMQP heartbeat timeout, whole seconds; 0 turns heartbeats off (oslo's heartbeat_timeout_threshold). Default: 60 s. */
  private Duration heartbeatTimeoutThreshold;
  /** Host order on reconnection: round-robin or shuffle (oslo's kombu_failover_strategy). */
  private String failoverStrategy;
  /** First wait between reconnection attempts, whole seconds (oslo's rabbit_retry_interval). */
  private Duration retryInterval;
  /** Added to the wait after each failed attempt, whole seconds (oslo's rabbit_retry_backoff). */
  private Duration retryBackoff;
  /** Longest wait between reconnection attempts, whole seconds (oslo's rabbit_interval_max). */
  private Duration intervalMax;
  /** Wait before consuming again after the broker cancelled a consumer (oslo's kombu_reconnect_delay). Default: 1 s. */
  private Duration reconnectDelay;
  /** How long a reply to a missing reply queue is retried (oslo's kombu_missing_consumer_retry_timeout). Default: 60 s. */
  private Duration missingConsumerRetryTimeout;
  /** Compression of published bodies: gzip, or none (oslo's kombu_compression). */
  private String compression;
  /** SASL mechanism: PLAIN, AMQPLAIN or EXTERNAL (oslo's rabbit_login_method). */
  private String loginMethod;
  /** Whether to connect with TLS (oslo's ssl; amqps:// turns it on). */
  private Boolean ssl;
  /** PEM file of the CAs the broker's certificate is checked against. Default: the JDK's trust store. */
  private String sslCaFile;
  /** PEM client certificate for brokers that require one. */
  private String sslCertFile;
  /** Unencrypted PKCS#8 or PKCS#1 key of the client certificate. */
  private String sslKeyFile;
  /** TLS version, e.g. tlsv1_2 or tlsv1_3. */
  private String sslVersion;
  /** Whether the broker's host name is checked against its certificate. */
  private Boolean sslEnforceHostnameVerification;
  /** Whether publishes wait for publisher confirms (Fjord's option). Default: true. */
  private Boolean confirms;
  /** TCP and handshake timeout (Fjord's option). Default: 5 s. */
  private Duration connectionTimeout;
  /** Delay between reconnection attempts (Fjord's option). Default: 1 s. */
  private Duration recoveryInterval;
  /** x-dead-letter-exchange of shared queues (Fjord's option). */
  private String deadLetterExchange;
  /** Whether RPC servers consume with the broker's automatic acknowledgement (Fjord's option; see the README). */
  private Boolean rpcAutoAck;
  /** Further URL options by oslo's name, e.g. {@code kombu_reconnect_splay: 0.5}; typed properties win. */
  private Map<String, String> options = new LinkedHashMap<>();
  public Boolean getDurableQueues() {
    return durableQueues;
  }

  public void setDurableQueues(Boolean durableQueues) {
    this.durableQueues = durableQueues;
  }
  public Boolean getAutoDelete() {
    return autoDelete;
  }

  public void setAutoDelete(Boolean autoDelete) {
    this.autoDelete = autoDelete;
  }
  public Boolean getQuorumQueue() {
    return quorumQueue;
  }

  public void setQuorumQueue(Boolean quorumQueue) {
    this.quorumQueue = quorumQueue;
  }
  public Boolean getTransientQuorumQueue() {
    return transientQuorumQueue;
  }

  public void setTransientQuorumQueue(Boolean transientQuorumQueue) {
    this.transientQuorumQueue = transientQuorumQueue;
  }
  public Integer getQuorumDeliveryLimit() {
    return quorumDeliveryLimit;
  }

  public void setQuorumDeliveryLimit(Integer quorumDeliveryLimit) {
    this.quorumDeliveryLimit = quorumDeliveryLimit;
  }
  public Integer getQuorumMaxMemoryLength() {
    return quorumMaxMemoryLength;
  }

  public void setQuorumMaxMemoryLength(Integer quorumMaxMemoryLength) {
    this.quorumMaxMemoryLength = quorumMaxMemoryLength;
  }
  public Long getQuorumMaxMemoryBytes() {
    return quorumMaxMemoryBytes;
  }

  public void setQuorumMaxMemoryBytes(Long quorumMaxMemoryBytes) {
    this.quorumMaxMemoryBytes = quorumMaxMemoryBytes;
  }
  public Boolean getStreamFanout() {
    return streamFanout;
  }

  public void setStreamFanout(Boolean streamFanout) {
    this.streamFanout = streamFanout;
  }
  public Boolean getUseQueueManager() {
    return useQueueManager;
  }

  public void setUseQueueManager(Boolean useQueueManager) {
    this.useQueueManager = useQueueManager;
  }
  public String getHostname() {
    return hostname;
  }

  public void setHostname(String hostname) {
    this.hostname = hostname;
  }
  public String getProcessname() {
    return processname;
  }

  public void setProcessname(String processname) {
    this.processname = processname;
  }
  public Duration getTransientQueuesTtl() {
    return transientQueuesTtl;
  }

  public void setTransientQueuesTtl(Duration transientQueuesTtl) {
    this.transientQueuesTtl = transientQueuesTtl;
  }
  public Integer getQosPrefetchCount() {
    return qosPrefetchCount;
  }

  public void setQosPrefetchCount(Integer qosPrefetchCount) {
    this.qosPrefetchCount = qosPrefetchCount;
  }
  public Duration getHeartbeatTimeoutThreshold() {
    return heartbeatTimeoutThreshold;
  }

  public void setHeartbeatTimeoutThreshold(Duration heartbeatTimeoutThreshold) {
    this.heartbeatTimeoutThreshold = heartbeatTimeoutThreshold;
  }
  public String getFailoverStrategy() {
    return failoverStrategy;
  }

  public void setFailoverStrategy(String failoverStrategy) {
    this.failoverStrategy = failoverStrategy;
  }
  public Duration getRetryInterval() {
    return retryInterval;
  }

  public void setRetryInterval(Duration retryInterval) {
    this.retryInterval = retryInterval;
  }
  public Duration getRetryBackoff() {
    return retryBackoff;
  }

  public void setRetryBackoff(Duration retryBackoff) {
    this.retryBackoff = retryBackoff;
  }
  public Duration getIntervalMax() {
    return intervalMax;
  }

  public void setIntervalMax(Duration intervalMax) {
    this.intervalMax = intervalMax;
  }
  public Duration getReconnectDelay() {
    return reconnectDelay;
  }

  public void setReconnectDelay(Duration reconnectDelay) {
    this.reconnectDelay = reconnectDelay;
  }
  public Duration getMissingConsumerRetryTimeout() {
    return missingConsumerRetryTimeout;
  }

  public void setMissingConsumerRetryTimeout(Duration missingConsumerRetryTimeout) {
    this.missingConsumerRetryTimeout = missingConsumerRetryTimeout;
  }
  public String getCompression() {
    return compression;
  }

  public void setCompression(String compression) {
    this.compression = compression;
  }
  public String getLoginMethod() {
    return loginMethod;
  }

  public void setLoginMethod(String loginMethod) {
    this.loginMethod = loginMethod;
  }
  public Boolean getSsl() {
    return ssl;
  }

  public void setSsl(Boolean ssl) {
    this.ssl = ssl;
  }
  public String getSslCaFile() {
    return sslCaFile;
  }

  public void setSslCaFile(String sslCaFile) {
    this.sslCaFile = sslCaFile;
  }
  public String getSslCertFile() {
    return sslCertFile;
  }

  public void setSslCertFile(String sslCertFile) {
    this.sslCertFile = sslCertFile;
  }
  public String getSslKeyFile() {
    return sslKeyFile;
  }

  public void setSslKeyFile(String sslKeyFile) {
    this.sslKeyFile = sslKeyFile;
  }
  public String getSslVersion() {
    return sslVersion;
  }

  public void setSslVersion(String sslVersion) {
    this.sslVersion = sslVersion;
  }
  public Boolean getSslEnforceHostnameVerification() {
    return sslEnforceHostnameVerification;
  }

  public void setSslEnforceHostnameVerification(Boolean sslEnforceHostnameVerification) {
    this.sslEnforceHostnameVerification = sslEnforceHostnameVerification;
  }
  public Boolean getConfirms() {
    return confirms;
  }

  public void setConfirms(Boolean confirms) {
    this.confirms = confirms;
  }
  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }
  public Duration getRecoveryInterval() {
    return recoveryInterval;
  }

  public void setRecoveryInterval(Duration recoveryInterval) {
    this.recoveryInterval = recoveryInterval;
  }
  public String getDeadLetterExchange() {
    return deadLetterExchange;
  }

  public void setDeadLetterExchange(String deadLetterExchange) {
    this.deadLetterExchange = deadLetterExchange;
  }
  public Boolean getRpcAutoAck() {
    return rpcAutoAck;
  }

  public void setRpcAutoAck(Boolean rpcAutoAck) {
    this.rpcAutoAck = rpcAutoAck;
  }
  public Map<String, String> getOptions() {
    return options;
  }

  public void setOptions(Map<String, String> options) {
    this.options = options;
  }

  /** The URL options these properties set, by oslo's name, in a stable order. */
  Map<String, String> urlOptions() {
    Map<String, String> m = new LinkedHashMap<>(options);
    put(m, "amqp_durable_queues", durableQueues);
    put(m, "amqp_auto_delete", autoDelete);
    put(m, "rabbit_quorum_queue", quorumQueue);
    put(m, "rabbit_transient_quorum_queue", transientQuorumQueue);
    put(m, "rabbit_quorum_delivery_limit", quorumDeliveryLimit);
    put(m, "rabbit_quorum_max_memory_length", quorumMaxMemoryLength);
    put(m, "rabbit_quorum_max_memory_bytes", quorumMaxMemoryBytes);
    put(m, "rabbit_stream_fanout", streamFanout);
    put(m, "use_queue_manager", useQueueManager);
    put(m, "hostname", hostname);
    put(m, "processname", processname);
    put(m, "rabbit_transient_queues_ttl", wholeSeconds("fjord.rabbit.transient-queues-ttl", transientQueuesTtl));
    put(m, "rabbit_qos_prefetch_count", qosPrefetchCount);
    put(m, "heartbeat_timeout_threshold", wholeSeconds("fjord.rabbit.heartbeat-timeout-threshold", heartbeatTimeoutThreshold));
    put(m, "kombu_failover_strategy", failoverStrategy);
    put(m, "rabbit_retry_interval", wholeSeconds("fjord.rabbit.retry-interval", retryInterval));
    put(m, "rabbit_retry_backoff", wholeSeconds("fjord.rabbit.retry-backoff", retryBackoff));
    put(m, "rabbit_interval_max", wholeSeconds("fjord.rabbit.interval-max", intervalMax));
    put(m, "kombu_reconnect_delay", seconds(reconnectDelay));
    put(m, "kombu_missing_consumer_retry_timeout", seconds(missingConsumerRetryTimeout));
    put(m, "kombu_compression", compression);
    put(m, "rabbit_login_method", loginMethod);
    put(m, "ssl", ssl);
    put(m, "ssl_ca_file", sslCaFile);
    put(m, "ssl_cert_file", sslCertFile);
    put(m, "ssl_key_file", sslKeyFile);
    put(m, "ssl_version", sslVersion);
    put(m, "ssl_enforce_hostname_verification", sslEnforceHostnameVerification);
    put(m, "confirms", confirms);
    put(m, "connection_timeout", seconds(connectionTimeout));
    put(m, "recovery_interval", seconds(recoveryInterval));
    put(m, "dead_letter_exchange", deadLetterExchange);
    put(m, "rpc_auto_ack", rpcAutoAck);
    return m;
  }

  /**
   * {@code url} with these options, or {@code url} itself for a scheme other than RabbitMQ's.
   *
   * @throws IllegalArgumentException when a whole-seconds option is given a fraction of a second
   */
  TransportUrl applyTo(TransportUrl url) {
    if (!RABBIT_SCHEMES.contains(url.scheme())) {
      return url;
    }
    TransportUrl result = url;
    for (Map.Entry<String, String> e : urlOptions().entrySet()) {
      result = result.withOption(e.getKey(), e.getValue());
    }
    return result;
  }

  private static void put(Map<String, String> m, String name, Object value) {
    if (value != null) {
      m.put(name, value.toString());
    }
  }

  private static String wholeSeconds(String property, Duration d) {
    if (d == null) {
      return null;
    }
    if (d.getNano() != 0 || d.isNegative()) {
      throw new IllegalArgumentException("Property " + property + "=" + d
          + " must be a whole, non-negative number of seconds (oslo's option takes an integer)");
    }
    return Long.toString(d.getSeconds());
  }

  private static String seconds(Duration d) {
    if (d == null) {
      return null;
    }
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
  }
}
