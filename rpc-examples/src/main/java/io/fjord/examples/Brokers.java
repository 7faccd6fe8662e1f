package io.fjord.examples;

import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What every example shares: picking the transport URL ({@code $FJORD_URL} or
 * {@code $FJORD_TRANSPORT_URL}, as the {@code fjord} command reads, else RabbitMQ on
 * localhost if it answers, else {@code memory://}), fresh names, and a connection for deleting
 * what an example left on RabbitMQ ({@link Declared}). Stateless and thread-safe.
 */
final class Brokers {
  private Brokers() {
  }

  static final String LOCAL_RABBIT = "rabbit://guest:guest@localhost:5672/";

  /**
   * The URL an example's main runs on, with the queue manager's names added ({@link
   * #withQueueManagerNames}).
   *
   * @param query URL options for the RabbitMQ case (e.g. {@code rabbit_qos_prefetch_count=1}), or ""
   */
  static String pick(String query) {
    for (String name : new String[] {"FJORD_URL", "FJORD_TRANSPORT_URL"}) {
      String env = System.getenv(name);
      if (env != null && !env.isBlank()) {
        System.out.println("Using " + name + " (" + TransportUrl.parse(env) + ")");
        return withQueueManagerNames(withOptions(env, query));
      }
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", 5672), 1000);
      System.out.println("Using RabbitMQ at localhost:5672");
      return withQueueManagerNames(withOptions(LOCAL_RABBIT, query));
    } catch (IOException e) {
      System.out.println("No RabbitMQ answers at localhost:5672; using the in-process memory:// transport");
      return "memory://";
    }
  }

  /**
   * {@code url} with those {@code query} options appended that it does not set itself (memory://
   * takes none, so it stays as it is).
   */
  static String withOptions(String url, String query) {
    if (query == null || query.isEmpty() || isMemory(url)) {
      return url;
    }
    java.util.Map<String, String> present = TransportUrl.parse(url).options();
    StringBuilder sb = new StringBuilder(url);
    for (String option : query.split("&")) {
      String name = option.substring(0, option.indexOf('=') < 0 ? option.length() : option.indexOf('='));
      if (!present.containsKey(name)) {
        sb.append(sb.indexOf("?") < 0 ? "?" : "&").append(option);
      }
    }
    return sb.toString();
  }

  /**
   * With {@code use_queue_manager} on, {@code url} with a {@code hostname} (this machine's) and a
   * {@code processname} ({@code fjord-example-<id>}) when it names none: the queue manager names
   * reply queues after them, and an example can only delete reply queues whose names it knows.
   */
  static String withQueueManagerNames(String url) {
    if (isMemory(url) || !Declared.queueManager(TransportUrl.parse(url).options())) {
      return url;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return withOptions(url, "hostname=" + host + "&processname=fjord-example-" + newId());
  }

  static boolean isMemory(String url) {
    String scheme = TransportUrl.parse(url).scheme();
    return scheme.equals("memory") || scheme.equals("fake");
  }

  /**
   * {@code url} with its virtual host replaced by {@code vhost}, built from the raw text so the
   * credentials survive ({@link TransportUrl#toString()} hides passwords).
   */
  static String withVirtualHost(String url, String vhost) {
    int q = url.indexOf('?');
    String query = q < 0 ? "" : url.substring(q);
    String rest = q < 0 ? url : url.substring(0, q);
    int hostsStart = rest.indexOf("://") + 3;
    int slash = rest.indexOf('/', Math.max(rest.lastIndexOf('@'), hostsStart));
    String base = slash < 0 ? rest : rest.substring(0, slash);
    return base + "/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8).replace("+", "%20") + query;
  }

  /**
   * Transport options giving an example run its own control exchange ({@code fjord_demo_<id>}), so
   * runs never meet and never clash with an {@code openstack} exchange declared with other flags.
   */
  static TransportOptions ownExchange(String id) {
    return TransportOptions.builder().controlExchange(exchangeName(id)).build();
  }

  /** The control exchange of a run with names made from {@code id}. */
  static String exchangeName(String id) {
    return "fjord_demo_" + id;
  }

  /** A short random id for an example's names, so runs never see each other's traffic. */
  static String newId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  /**
   * An amqp-client connection to {@code url}'s first host and virtual host, for deleting what an
   * example declared: Fjord's API has no admin operations. The caller closes it.
   */
  static com.rabbitmq.client.Connection connect(String url, String name) throws Exception {
    TransportUrl u = TransportUrl.parse(url);
    com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
    TransportUrl.Host h = u.hosts().get(0);
    f.setHost(h.hostname());
    f.setPort(h.portOr(5672));
    f.setUsername(h.username() == null ? "guest" : h.username());
    f.setPassword(h.password() == null ? "guest" : h.password());
    f.setVirtualHost(u.virtualHost());
    return f.newConnection(name);
  }
}
