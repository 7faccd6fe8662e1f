package io.fjord.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Fjord's settings under {@code fjord.*}, bound with Spring Boot's relaxed binding (so
 * {@code fjord.transport-url}, {@code FJORD_TRANSPORTURL} and {@code fjord.transportUrl} are one property).
 *
 * <p>Not thread-safe while binding; read-only afterwards.
 */
@ConfigurationProperties("fjord")
public class FjordProperties {

  /**
   * URL of the broker, e.g. {@code rabbit://user:pass@host:5672/vhost?rabbit_quorum_queue=true}, or
   * {@code memory://} for the in-process transport. Required: there is no default broker. The environment
   * variable {@code FJORD_TRANSPORT_URL} that the rest of Fjord reads works too.
   */
  private String transportUrl;

  /** oslo's control_exchange: the exchange of targets that name none. Default: the driver's ("openstack"). */
  private String controlExchange;

  /** Name the transport gives its broker connections. Default: spring.application.name. */
  private String connectionName;

  /**
   * How long closing the transport waits for its connections and servers. Default: the driver's (10 s).
   */
  private Duration closeTimeout;

  /** oslo's [oslo_messaging_rabbit] options, applied to rabbit://, amqp:// and amqps:// URLs. */
  @NestedConfigurationProperty
  private final RabbitOptions rabbit = new RabbitOptions();

  /** RPC servers for @RpcEndpoint beans. */
  private final Server server = new Server();

  /** Typed client groups, by group name (see @ImportRpcClients). */
  private final Map<String, ClientGroup> client = new LinkedHashMap<>();

  /** The Notifier bean and @NotificationListener beans. */
  private final Notifications notifications = new Notifications();

  public String getTransportUrl() {
    return transportUrl;
  }

  public void setTransportUrl(String transportUrl) {
    this.transportUrl = transportUrl;
  }

  public String getControlExchange() {
    return controlExchange;
  }

  public void setControlExchange(String controlExchange) {
    this.controlExchange = controlExchange;
  }

  public String getConnectionName() {
    return connectionName;
  }

  public void setConnectionName(String connectionName) {
    this.connectionName = connectionName;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public RabbitOptions getRabbit() {
    return rabbit;
  }

  public Server getServer() {
    return server;
  }

  public Map<String, ClientGroup> getClient() {
    return client;
  }

  public Notifications getNotifications() {
    return notifications;
  }

  /** Settings of the RPC servers that serve the application's {@code @RpcEndpoint} beans. */
  public static class Server {

    /** Whether to serve @RpcEndpoint beans. */
    private boolean enabled = true;

    /** Topic of endpoints that name none in @RpcEndpoint(topic) or an implemented @RpcApi interface. */
    private String topic;

    /** Server name (oslo's host) the servers listen as on topic.server. Default: this machine's host name. */
    private String server;

    /** Threads of each server's executor. Default: Fjord's pool of up to 64 threads (or virtual threads). */
    private Integer executorThreads;

    /** Most requests each server runs at once (overload protection). Default: the executor's size. */
    private Integer maxInProgress;

    /** Whether servers answer oslo's oslo_rpc_server_ping (oslo's rpc_ping_enabled). */
    private boolean ping = false;

    /** Whether servers answer Fjord's describe requests (introspection). */
    private boolean introspection = true;

    /** Per-topic overrides of server, executor-threads and max-in-progress, by topic. */
    private final Map<String, TopicServer> topics = new LinkedHashMap<>();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getTopic() {
      return topic;
    }

    public void setTopic(String topic) {
      this.topic = topic;
    }

    public String getServer() {
      return server;
    }

    public void setServer(String server) {
      this.server = server;
    }

    public Integer getExecutorThreads() {
      return executorThreads;
    }

    public void setExecutorThreads(Integer executorThreads) {
      this.executorThreads = executorThreads;
    }

    public Integer getMaxInProgress() {
      return maxInProgress;
    }

    public void setMaxInProgress(Integer maxInProgress) {
      this.maxInProgress = maxInProgress;
    }

    public boolean isPing() {
      return ping;
    }

    public void setPing(boolean ping) {
      this.ping = ping;
    }

    public boolean isIntrospection() {
      return introspection;
    }

    public void setIntrospection(boolean introspection) {
      this.introspection = introspection;
    }

    public Map<String, TopicServer> getTopics() {
      return topics;
    }
  }

  /** Settings of the server of one topic; unset values come from {@code fjord.server.*}. */
  public static class TopicServer {

    /** Server name on this topic. */
    private String server;

    /** Threads of this topic's server executor. */
    private Integer executorThreads;

    /** Most requests this topic's server runs at once. */
    private Integer maxInProgress;

    public String getServer() {
      return server;
    }

    public void setServer(String server) {
      this.server = server;
    }

    public Integer getExecutorThreads() {
      return executorThreads;
    }

    public void setExecutorThreads(Integer executorThreads) {
      this.executorThreads = executorThreads;
    }

    public Integer getMaxInProgress() {
      return maxInProgress;
    }

    public void setMaxInProgress(Integer maxInProgress) {
      this.maxInProgress = maxInProgress;
    }
  }

  /** Settings of one group of typed clients ({@code fjord.client.<group>.*}). */
  public static class ClientGroup {

    /** Topic of the group's requests. Default: the @RpcApi topic of each interface. */
    private String topic;

    /** Exchange of the group's requests. Default: the control exchange. */
    private String exchange;

    /** Highest version the group's clients send (oslo's version_cap). */
    private String versionCap;

    /** How long a call waits for its reply. Default: 60 s. */
    private Duration timeout;

    /** Interval of the servers' heartbeats for long calls (oslo's call_monitor_timeout). Default: none. */
    private Duration callMonitorTimeout;

    /** Server (oslo's host) every request of the group goes to. Default: any server of the topic. */
    private String server;

    /** Most calls in flight per target before calls are refused. Default: unlimited. */
    private Integer maxInFlight;

    public String getTopic() {
      return topic;
    }

    public void setTopic(String topic) {
      this.topic = topic;
    }

    public String getExchange() {
      return exchange;
    }

    public void setExchange(String exchange) {
      this.exchange = exchange;
    }

    public String getVersionCap() {
      return versionCap;
    }

    public void setVersionCap(String versionCap) {
      this.versionCap = versionCap;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Duration getCallMonitorTimeout() {
      return callMonitorTimeout;
    }

    public void setCallMonitorTimeout(Duration callMonitorTimeout) {
      this.callMonitorTimeout = callMonitorTimeout;
    }

    public String getServer() {
      return server;
    }

    public void setServer(String server) {
      this.server = server;
    }

    public Integer getMaxInFlight() {
      return maxInFlight;
    }

    public void setMaxInFlight(Integer maxInFlight) {
      this.maxInFlight = maxInFlight;
    }
  }

  /** Settings of the Notifier bean and of the listeners of @NotificationListener beans. */
  public static class Notifications {

    /** Whether to create the Notifier bean and serve @NotificationListener beans. */
    private boolean enabled = true;

    /** Publisher id of sent notifications, e.g. compute.host-1. Default: spring.application.name. */
    private String publisherId;

    /** Topics notifications are sent to (oslo's notification topics). */
    private List<String> topics = new ArrayList<>(List.of("notifications"));

    /** Format and destination: messagingv2 (oslo's default), messaging, log or noop. */
    private String driver = "messagingv2";

    /** How long sending one notification may take. Default: 10 s. */
    private Duration timeout;

    /** Publish retries on a broken connection. Default: until the timeout. */
    private Integer retry;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPublisherId() {
      return publisherId;
    }

    public void setPublisherId(String publisherId) {
      this.publisherId = publisherId;
    }

    public List<String> getTopics() {
      return topics;
    }

    public void setTopics(List<String> topics) {
      this.topics = topics;
    }

    public String getDriver() {
      return driver;
    }

    public void setDriver(String driver) {
      this.driver = driver;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Integer getRetry() {
      return retry;
    }

    public void setRetry(Integer retry) {
      this.retry = retry;
    }
  }
}
