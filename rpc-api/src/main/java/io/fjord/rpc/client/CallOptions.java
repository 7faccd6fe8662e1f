package io.fjord.rpc.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call overrides for {@link RpcClient#prepare(CallOptions)}, as oslo's {@code prepare(...)}
 * keywords: every setting left unset keeps the client's value.
 *
 * <pre>{@code
 * client.prepare(CallOptions.builder().server("host-1").timeout(Duration.ofSeconds(5)).build())
 *     .call(ctx, "get", Map.of("id", 7), Instance.class);
 * }</pre>
 *
 * <p>{@linkplain Builder#priority Priority} is honoured by quorum queues on RabbitMQ 4
 * ({@code rabbit_quorum_queue=true}) and is a no-op elsewhere.
 *
 * <p>Immutable and thread-safe.
 */
public final class CallOptions {
  /** The highest {@linkplain Builder#priority priority}; 0, oslo's, is the lowest and the default. */
  public static final int MAX_PRIORITY = 9;

  /**
   * The lowest priority RabbitMQ 4 quorum queues treat as high (they have two levels: above 4 is high,
   * 0 to 4 normal).
   */
  public static final int HIGH_PRIORITY = 5;

  private final String exchange;
  private final String topic;
  private final String namespace;
  private final String version;
  private final String server;
  private final Boolean fanout;
  private final Duration timeout;
  private final String versionCap;
  private final Integer retry;
  private final Duration callMonitorTimeout;
  private final Boolean mandatory;
  private final Integer priority;

  private CallOptions(Builder b) {
    exchange = b.exchange;
    topic = b.topic;
    namespace = b.namespace;
    version = b.version;
    server = b.server;
    fanout = b.fanout;
    timeout = b.timeout;
    versionCap = b.versionCap;
    retry = b.retry;
    callMonitorTimeout = b.callMonitorTimeout;
    mandatory = b.mandatory;
    priority = b.priority;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String exchange() {
    return exchange;
  }

  public String topic() {
    return topic;
  }

  public String namespace() {
    return namespace;
  }

  public String version() {
    return version;
  }

  public String server() {
    return server;
  }

  public Boolean fanout() {
    return fanout;
  }

  public Duration timeout() {
    return timeout;
  }

  public String versionCap() {
    return versionCap;
  }

  public Integer retry() {
    return retry;
  }

  public Duration callMonitorTimeout() {
    return callMonitorTimeout;
  }

  public Boolean mandatory() {
    return mandatory;
  }

  /** The message priority, 0 to {@link #MAX_PRIORITY}, or null when unset (see {@link Builder#priority}). */
  public Integer priority() {
    return priority;
  }

  /** These options with every setting {@code o} sets replacing this one's (package-private: RpcClient's merge). */
  CallOptions overriddenBy(CallOptions o) {
    Builder b = new Builder();
    b.exchange = o.exchange != null ? o.exchange : exchange;
    b.topic = o.topic != null ? o.topic : topic;
    b.namespace = o.namespace != null ? o.namespace : namespace;
    b.version = o.version != null ? o.version : version;
    b.server = o.server != null ? o.server : server;
    b.fanout = o.fanout != null ? o.fanout : fanout;
    b.timeout = o.timeout != null ? o.timeout : timeout;
    b.versionCap = o.versionCap != null ? o.versionCap : versionCap;
    b.retry = o.retry != null ? o.retry : retry;
    b.callMonitorTimeout = o.callMonitorTimeout != null ? o.callMonitorTimeout : callMonitorTimeout;
    b.mandatory = o.mandatory != null ? o.mandatory : mandatory;
    b.priority = o.priority != null ? o.priority : priority;
    return new CallOptions(b);
  }

  /** These options without a version cap (package-private: {@code RpcClient.describe}, sent at 1.0 whatever the cap). */
  CallOptions withoutVersionCap() {
    Builder b = new Builder();
    b.exchange = exchange;
    b.topic = topic;
    b.namespace = namespace;
    b.version = version;
    b.server = server;
    b.fanout = fanout;
    b.timeout = timeout;
    b.retry = retry;
    b.callMonitorTimeout = callMonitorTimeout;
    b.mandatory = mandatory;
    b.priority = priority;
    return new CallOptions(b);
  }

  /** {@code target} with the target fields these options set. */
  io.fjord.rpc.Target retarget(io.fjord.rpc.Target target) {
    io.fjord.rpc.Target t = target;
    if (exchange != null) {
      t = t.withExchange(exchange);
    }
    if (topic != null) {
      t = t.withTopic(topic);
    }
    if (namespace != null) {
      t = t.withNamespace(namespace);
    }
    if (version != null) {
      t = t.withVersion(version);
    }
    if (server != null) {
      t = t.withServer(server);
    }
    if (fanout != null) {
      t = t.withFanout(fanout);
    }
    return t;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CallOptions{");
    String sep = "";
    Object[][] fields = {{"exchange", exchange}, {"topic", topic}, {"namespace", namespace}, {"version", version},
        {"server", server}, {"fanout", fanout}, {"timeout", timeout}, {"versionCap", versionCap}, {"retry", retry},
        {"callMonitorTimeout", callMonitorTimeout}, {"mandatory", mandatory}, {"priority", priority}};
    for (Object[] f : fields) {
      if (f[1] != null) {
        sb.append(sep).append(f[0]).append('=').append(f[1]);
        sep = ", ";
      }
    }
    return sb.append('}').toString();
  }

  /** Builds {@link CallOptions}; not thread-safe. */
  public static final class Builder {
    private String exchange;
    private String topic;
    private String namespace;
    private String version;
    private String server;
    private Boolean fanout;
    private Duration timeout;
    private String versionCap;
    private Integer retry;
    private Duration callMonitorTimeout;
    private Boolean mandatory;
    private Integer priority;

    private Builder() {
    }

    public Builder exchange(String exchange) {
      this.exchange = exchange;
      return this;
    }

    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /**
     * Interface version {@code X.Y[.Z]} of the message.
     *
     * @throws IllegalArgumentException when it is not a version
     */
    public Builder version(String version) {
      io.fjord.rpc.Version.parse(Objects.requireNonNull(version, "version"));
      this.version = version;
      return this;
    }

    public Builder server(String server) {
      this.server = server;
      return this;
    }

    public Builder fanout(boolean fanout) {
      this.fanout = fanout;
      return this;
    }

    /** Call timeout (and the request's expiration); must be positive. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Highest message version the client may send, {@code X.Y[.Z]}.
     *
     * @throws IllegalArgumentException when it is not a version
     */
    public Builder versionCap(String versionCap) {
      io.fjord.rpc.Version.parse(Objects.requireNonNull(versionCap, "versionCap"));
      this.versionCap = versionCap;
      return this;
    }

    /** Publish retries on a broken connection: 0 fails at once, unset retries until the timeout. */
    public Builder retry(int retry) {
      if (retry < 0) {
        throw new IllegalArgumentException("retry must be >= 0, got " + retry);
      }
      this.retry = retry;
      return this;
    }

    /**
     * oslo's {@code call_monitor_timeout}: the server sends heartbeats every half of it while the
     * method runs, and the call fails when neither a heartbeat nor the reply came for this long.
     * Whole seconds, at least 2 s (oslo servers send no heartbeat below that).
     */
    public Builder callMonitorTimeout(Duration callMonitorTimeout) {
      Objects.requireNonNull(callMonitorTimeout, "callMonitorTimeout");
      if (callMonitorTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
        throw new IllegalArgumentException("callMonitorTimeout must be at least 2s (servers send heartbeats every half of it, "
            + "and none below 1s), got " + callMonitorTimeout);
      }
      this.callMonitorTimeout = callMonitorTimeout;
      return this;
    }

    /** Fail a request that no queue receives instead of letting the broker drop it (oslo's at_least_once). */
    public Builder mandatory(boolean mandatory) {
      this.mandatory = mandatory;
      return this;
    }

    /**
     * The priority of the requests (calls and casts, also fanout casts), 0 to {@link #MAX_PRIORITY}; unset
     * sends 0, as oslo always does. It is the AMQP {@code priority} property, and only the broker acts on it:
     * <ul>
     *   <li><b>Honoured</b> by quorum queues on RabbitMQ 4.0 and later: the shared {@code <topic>} and
     *       {@code <topic>.<server>} queues with {@code rabbit_quorum_queue=true}, and servers' fanout queues
     *       with {@code rabbit_transient_quorum_queue=true}, without any declare argument. They have two levels,
     *       high ({@link #HIGH_PRIORITY} to 9) and normal (0 to 4): high-priority requests waiting in the
     *       queue are delivered before normal ones, on RabbitMQ 4.0 to 4.2 two for every normal one while
     *       both wait (the broker's guard against starving normal ones), strictly on 4.3.</li>
     *   <li><b>A no-op</b> on classic queues (Fjord's and oslo's default; Fjord declares no
     *       {@code x-max-priority}), on streams ({@code rabbit_stream_fanout}), on RabbitMQ 3.x quorum queues,
     *       and on the {@code memory://} driver: requests are delivered in the order they were sent.</li>
     * </ul>
     * Priority orders only what waits in a queue: a server with free prefetch takes requests as they come.
     * A Python (oslo) server ignores the property; it is not part of the message body.
     *
     * @throws IllegalArgumentException when it is not between 0 and {@link #MAX_PRIORITY}
     */
    public Builder priority(int priority) {
      if (priority < 0 || priority > MAX_PRIORITY) {
        throw new IllegalArgumentException("priority must be 0 to " + MAX_PRIORITY + " (0, the default, is oslo's; "
            + HIGH_PRIORITY + " and above are high on RabbitMQ 4 quorum queues), got " + priority);
      }
      this.priority = priority;
      return this;
    }

    public CallOptions build() {
      return new CallOptions(this);
    }
  }
}
