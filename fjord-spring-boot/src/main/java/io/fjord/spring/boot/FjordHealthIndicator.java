package io.fjord.spring.boot;

import io.fjord.rpc.BrokerInfo;
import io.fjord.rpc.Transport;
import io.fjord.rpc.server.RpcServer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator health of Fjord ({@code /actuator/health/fjord}): UP while the transport is connected and every RPC
 * server and notification listener that should run does; DOWN while the transport reconnects, once it is closed,
 * or when a server stopped on its own. Details: {@code state}, {@code url} (password masked), {@code broker},
 * {@code replyQueue} (once a call opened it), {@code servers} and {@code listeners} (running or not).
 * Never declares anything and never blocks on the broker. Thread-safe.
 */
public final class FjordHealthIndicator extends AbstractHealthIndicator {
  private final Transport transport;
  private final FjordRpcServers servers;
  private final FjordNotificationListeners listeners;

  /**
   * @param servers null when Fjord serves no endpoints
   * @param listeners null when Fjord serves no notification listeners
   */
  public FjordHealthIndicator(Transport transport, FjordRpcServers servers, FjordNotificationListeners listeners) {
    super("Fjord health check failed");
    this.transport = transport;
    this.servers = servers;
    this.listeners = listeners;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean up;
    if (transport.isClosed()) {
      builder.withDetail("state", "closed");
      up = false;
    } else if (!transport.isConnected()) {
      builder.withDetail("state", "reconnecting");
      up = false;
    } else {
      builder.withDetail("state", "connected");
      up = true;
    }
    builder.withDetail("url", transport.url().toString());
    BrokerInfo broker = transport.broker();
    builder.withDetail("broker", broker.product() + " " + broker.version());
    transport.replyQueue().ifPresent(q -> builder.withDetail("replyQueue", q));
    if (servers != null) {
      Map<String, String> states = new LinkedHashMap<>();
      for (RpcServer s : servers.servers()) {
        states.put(s.target().topic() + "." + s.target().server(), s.isRunning() ? "running" : "stopped");
        up &= s.isRunning() || !servers.isRunning();
      }
      builder.withDetail("servers", states);
    }
    if (listeners != null) {
      Map<String, String> states = new LinkedHashMap<>();
      listeners.listeners().forEach((name, running) -> states.put(name, running ? "running" : "stopped"));
      for (boolean running : listeners.listeners().values()) {
        up &= running || !listeners.isRunning();
      }
      builder.withDetail("listeners", states);
    }
    if (up) {
      builder.up();
    } else {
      builder.down();
    }
  }
}
