package io.fjord.spring.boot;

import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.annotation.RpcApi;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.server.RpcServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.util.ClassUtils;

/**
 * Serves every bean annotated {@link RpcEndpoint} with one {@link RpcServer} per (topic, server), started when
 * the application context starts and drained when it stops, before the transport closes. The topic of a bean
 * is its {@code @RpcEndpoint(topic)}, else the topic of an {@link RpcApi} interface it implements, else
 * {@code fjord.server.topic}; its server is {@code @RpcEndpoint(server)}, else
 * {@code fjord.server.topics.<topic>.server}, else {@code fjord.server.server}, else the host name.
 *
 * <p>Thread-safe.
 */
public final class FjordRpcServers extends ServiceLifecycle {
  private static final Logger log = LoggerFactory.getLogger(FjordRpcServers.class);

  private final Transport transport;
  private final FjordProperties.Server properties;
  private final ListableBeanFactory beans;
  private final Environment environment;
  private final List<RpcServerCustomizer> customizers;
  private final boolean virtualThreads;

  FjordRpcServers(Transport transport, FjordProperties.Server properties, ListableBeanFactory beans,
                  Environment environment, List<RpcServerCustomizer> customizers, boolean virtualThreads,
                  Duration shutdownTimeout) {
    super(shutdownTimeout);
    this.transport = transport;
    this.properties = properties;
    this.beans = beans;
    this.environment = environment;
    this.customizers = customizers;
    this.virtualThreads = virtualThreads;
  }

  /** The servers of the current run, for health checks and tests. */
  public List<RpcServer> servers() {
    List<RpcServer> result = new ArrayList<>();
    for (Service s : services()) {
      result.add(((ServerService) s).server);
    }
    return result;
  }

  /** The targets (topic and server) endpoint beans are served on, with the beans' names, in bean order. */
  public Map<Target, List<String>> endpoints() {
    Map<Target, List<String>> result = new LinkedHashMap<>();
    resolve().forEach((target, list) -> result.put(target, list.stream().map(e -> e.beanName).toList()));
    return result;
  }

  private record Registered(String beanName, Object bean, Class<?> userClass, RpcEndpoint annotation) {
  }

  private Map<Target, List<Registered>> resolve() {
    Map<Target, List<Registered>> byTarget = new LinkedHashMap<>();
    for (String name : beans.getBeanNamesForAnnotation(RpcEndpoint.class)) {
      Object bean = beans.getBean(name);
      Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
      RpcEndpoint annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, RpcEndpoint.class);
      if (annotation == null) {
        continue;
      }
      String topic = topic(name, userClass, annotation);
      String server = text(annotation.server());
      if (server == null) {
        FjordProperties.TopicServer perTopic = properties.getTopics().get(topic);
        server = perTopic != null && perTopic.getServer() != null ? perTopic.getServer() : properties.getServer();
      }
      if (server == null) {
        server = hostName();
      }
      byTarget.computeIfAbsent(Target.topic(topic).withServer(server), t -> new ArrayList<>())
          .add(new Registered(name, bean, userClass, annotation));
    }
    return byTarget;
  }

  private String topic(String beanName, Class<?> userClass, RpcEndpoint annotation) {
    String topic = text(annotation.topic());
    if (topic != null) {
      return topic;
    }
    for (Class<?> api : ClassUtils.getAllInterfacesForClassAsSet(userClass)) {
      RpcApi rpcApi = api.getAnnotation(RpcApi.class);
      if (rpcApi != null && !rpcApi.topic().isEmpty()) {
        return rpcApi.topic();
      }
    }
    if (properties.getTopic() != null && !properties.getTopic().isBlank()) {
      return properties.getTopic();
    }
    throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' (" + userClass.getName()
        + ") has no topic: set @RpcEndpoint(topic = \"...\"), implement an @RpcApi interface with a topic, "
        + "or set the property fjord.server.topic");
  }

  private String text(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return environment.resolveRequiredPlaceholders(value);
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  List<Service> open() {
    List<Service> started = new ArrayList<>();
    for (Map.Entry<Target, List<Registered>> e : resolve().entrySet()) {
      Target target = e.getKey();
      RpcServer server = build(target, e.getValue());
      server.start();
      started.add(new ServerService(server));
      log.info("Serving {} on {}", e.getValue().stream().map(r -> r.beanName).toList(), target);
    }
    return started;
  }

  private RpcServer build(Target target, List<Registered> endpoints) {
    RpcServer.Builder builder = RpcServer.builder(transport, target)
        .enablePing(properties.isPing())
        .introspection(properties.isIntrospection());
    for (Registered r : endpoints) {
      if (r.bean.getClass() == r.userClass) {
        builder.endpoint(r.bean); // as without Spring: the annotation or an implemented @RpcApi decides
      } else {
        // a proxy: its class carries no annotation, so pass what the user's class says
        RpcEndpoint a = r.annotation;
        builder.endpoint(r.bean, a.namespace().isEmpty() ? null : a.namespace(), a.version());
      }
    }
    FjordProperties.TopicServer perTopic = properties.getTopics().get(target.topic());
    Integer threads = perTopic != null && perTopic.getExecutorThreads() != null ? perTopic.getExecutorThreads()
        : properties.getExecutorThreads();
    Integer max = perTopic != null && perTopic.getMaxInProgress() != null ? perTopic.getMaxInProgress()
        : properties.getMaxInProgress();
    String prefix = "fjord-rpc-" + target.topic() + "-";
    if (virtualThreads) {
      builder.executor(new VirtualThreadTaskExecutor(prefix));
      // virtual threads are unlimited: keep Fjord's default limit unless one is set
      builder.maxInProgress(max != null ? max : RpcServer.DEFAULT_MAX_IN_PROGRESS);
    } else {
      if (threads != null) {
        ExecutorService pool = threadPool(prefix, threads);
        builder.executor(pool);
        onClose(shutdown(pool));
      }
      if (max != null) {
        builder.maxInProgress(max);
      }
    }
    for (RpcServerCustomizer c : customizers) {
      c.customize(target, builder);
    }
    RpcServer server = builder.build();
    for (RpcServerCustomizer c : customizers) {
      c.built(server);
    }
    return server;
  }

  private static ExecutorService threadPool(String prefix, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("fjord.server executor-threads must be at least 1, got " + threads);
    }
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static final class ServerService implements Service {
    final RpcServer server;

    ServerService(RpcServer server) {
      this.server = server;
    }

    @Override
    public String name() {
      return "RpcServer for " + server.target();
    }

    @Override
    public boolean isRunning() {
      return server.isRunning();
    }

    @Override
    public void stop() {
      server.stop();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
      return server.awaitTermination(timeout);
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
