package io.fjord.spring.boot;

import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.annotation.RpcApi;
import io.fjord.rpc.client.RpcClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link RpcClient}s of the typed-client groups, each built once from {@code fjord.client.<group>.*} and
 * the {@link RpcClientCustomizer} beans, and the proxies {@link ImportRpcClients} registers as beans.
 *
 * <p>Thread-safe.
 */
public final class FjordRpcClients {
  private final Transport transport;
  private final Map<String, FjordProperties.ClientGroup> groups;
  private final List<RpcClientCustomizer> customizers;
  private final Map<String, RpcClient> clients = new ConcurrentHashMap<>();

  FjordRpcClients(Transport transport, Map<String, FjordProperties.ClientGroup> groups,
                  List<RpcClientCustomizer> customizers) {
    this.transport = transport;
    this.groups = groups;
    this.customizers = customizers;
  }

  /**
   * The client of {@code group} for {@code topic}, made on first use.
   *
   * @param topic the topic when the group's properties name none; null when they must
   * @throws IllegalStateException when neither the group nor the caller names a topic
   */
  public RpcClient client(String group, String topic) {
    FjordProperties.ClientGroup settings = groups.getOrDefault(group, new FjordProperties.ClientGroup());
    String effective = settings.getTopic() != null ? settings.getTopic() : topic;
    if (effective == null || effective.isBlank()) {
      throw new IllegalStateException("Typed client group '" + group + "' has no topic: set fjord.client." + group
          + ".topic or give the interface one with @RpcApi(topic = \"...\")");
    }
    return clients.computeIfAbsent(group + '\u0000' + effective, k -> build(group, settings, effective));
  }

  /**
   * A proxy of {@code api} (an {@link RpcApi} interface) on the client of {@code group}, sent to
   * {@code fjord.client.<group>.server} when that is set.
   */
  public <T> T proxy(String group, Class<T> api) {
    RpcApi annotation = api.getAnnotation(RpcApi.class);
    if (annotation == null) {
      throw new IllegalArgumentException(api.getName() + " is not annotated @RpcApi, so it cannot be a typed client");
    }
    RpcClient client = client(group, annotation.topic().isEmpty() ? null : annotation.topic());
    FjordProperties.ClientGroup settings = groups.get(group);
    if (settings != null && settings.getServer() != null) {
      client = client.toServer(settings.getServer());
    }
    return client.proxy(api);
  }

  private RpcClient build(String group, FjordProperties.ClientGroup settings, String topic) {
    Target target = Target.topic(topic);
    if (settings.getExchange() != null) {
      target = target.withExchange(settings.getExchange());
    }
    RpcClient.Builder builder = RpcClient.builder(transport, target);
    if (settings.getTimeout() != null) {
      builder.timeout(settings.getTimeout());
    }
    if (settings.getVersionCap() != null) {
      builder.versionCap(settings.getVersionCap());
    }
    if (settings.getCallMonitorTimeout() != null) {
      builder.callMonitorTimeout(settings.getCallMonitorTimeout());
    }
    if (settings.getMaxInFlight() != null) {
      builder.maxInFlight(settings.getMaxInFlight());
    }
    for (RpcClientCustomizer c : customizers) {
      c.customize(group, builder);
    }
    return builder.build();
  }
}
