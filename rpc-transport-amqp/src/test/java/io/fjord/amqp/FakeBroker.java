package io.fjord.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a RabbitMQ node in unit tests: connections and channels are dynamic proxies over
 * amqp-client's interfaces that record every declaration, QoS call and publish, answer as a broker of the given
 * version would, and, when told to apply RabbitMQ 4.3's rules, refuse a transient non-exclusive queue
 * with 541 (closing the "connection") as the real broker does. Thread-safe.
 */
final class FakeBroker {
  /** One recorded call: the connection's name, the method and its arguments. */
  record Call(String connection, String method, List<Object> args) {
    Object arg(int i) {
      return args.get(i);
    }
  }

  private final String version;
  private final boolean refuseTransient;
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong tags = new AtomicLong();
  /** Queues whose basic.consume gets no answer (a broker that cannot deliver from them). */
  private final java.util.Set<String> stuck = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Live consumers by queue. */
  private final Map<String, com.rabbitmq.client.Consumer> consumers = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, String> consumerTags = new java.util.concurrent.ConcurrentHashMap<>();
  /** The connections opened, by name. */
  private final Map<String, Connection> connections = new java.util.concurrent.ConcurrentHashMap<>();
  /** Recovery listeners by connection name. */
  private final Map<String, List<RecoveryListener>> recoveryListeners = new java.util.concurrent.ConcurrentHashMap<>();

  FakeBroker(String version, boolean refuseTransient) {
    this.version = version;
    this.refuseTransient = refuseTransient;
  }

  /** Opens a transport on this fake broker. */
  AmqpDriver open(String query) {
    TransportUrl url = TransportUrl.parse("rabbit://guest:guest@fake:5672/" + (query.isEmpty() ? "" : "?" + query));
    return new AmqpDriver(url, TransportOptions.defaults(), (factory, hosts, name) -> connection(name));
  }

  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  List<Call> calls(String method) {
    return calls().stream().filter(c -> c.method().equals(method)).toList();
  }

  /**
   * From now on {@code queue} cannot be consumed (basic.consume times out), and its consumer is
   * cancelled as the broker does when a queue goes away.
   */
  void breakQueue(String queue) {
    stuck.add(queue);
    com.rabbitmq.client.Consumer c = consumers.remove(queue);
    if (c != null) {
      try {
        c.handleCancel(consumerTags.get(queue));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * Tells the recovery listeners of connection {@code name} (e.g. {@code fjord:publish}) that it
   * recovered, as amqp-client does after reconnecting.
   */
  void recover(String name) {
    Recoverable connection = (Recoverable) connections.get(name);
    for (RecoveryListener l : recoveryListeners.getOrDefault(name, List.of())) {
      l.handleRecoveryStarted(connection);
      l.handleRecovery(connection);
    }
  }

  /** Whether a consumer was started on {@code queue}. */
  boolean consumed(String queue) {
    return consumers.containsKey(queue);
  }

  private Connection connection(String name) {
    InvocationHandler h = (proxy, m, args) -> switch (m.getName()) {
      case "createChannel" -> channel(name);
      case "getServerProperties" -> Map.of("product", "RabbitMQ", "version", version);
      case "getAddress" -> InetAddress.getLoopbackAddress();
      case "getPort" -> 5672;
      case "isOpen" -> true;
      case "addRecoveryListener" -> {
        recoveryListeners.computeIfAbsent(name, n -> new java.util.concurrent.CopyOnWriteArrayList<>())
            .add((RecoveryListener) args[0]);
        yield null;
      }
      case "toString" -> "FakeConnection(" + name + ")";
      case "hashCode" -> System.identityHashCode(proxy);
      case "equals" -> proxy == args[0];
      default -> defaultValue(m.getReturnType());
    };
    Connection c = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class, Recoverable.class}, h);
    connections.put(name, c);
    return c;
  }

  private Channel channel(String connection) {
    InvocationHandler h = (proxy, m, args) -> {
      List<Object> a = args == null ? List.of() : java.util.Arrays.asList(args);
      if (m.getName().startsWith("queue") || m.getName().startsWith("exchange") || m.getName().equals("basicQos")
          || m.getName().equals("basicConsume") || m.getName().equals("basicPublish")) {
        calls.add(new Call(connection, m.getName(), a));
      }
      switch (m.getName()) {
        case "queueDeclare" -> {
          if (a.size() >= 4 && refuseTransient && !(Boolean) a.get(1) && !(Boolean) a.get(2)) {
            throw new IOException(new ShutdownSignalException(true, false, new AMQImpl.Connection.Close(541,
                "INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.", 50, 10), proxy));
          }
          return null;
        }
        case "basicConsume" -> {
          String queue = String.valueOf(a.get(0));
          if (stuck.contains(queue)) {
            throw new IOException(new java.util.concurrent.TimeoutException("Timed out waiting for an RPC reply"));
          }
          String tag = "ctag-" + tags.incrementAndGet();
          consumers.put(queue, (com.rabbitmq.client.Consumer) a.get(a.size() - 1));
          consumerTags.put(queue, tag);
          return tag;
        }
        case "getNextPublishSeqNo" -> {
          return tags.incrementAndGet();
        }
        case "isOpen" -> {
          return true;
        }
        case "toString" -> {
          return "FakeChannel(" + connection + ")";
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        default -> {
          return defaultValue(m.getReturnType());
        }
      }
    };
    return (Channel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Channel.class}, h);
  }

  private static Object defaultValue(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == double.class) {
      return 0.0;
    }
    return null;
  }
}
