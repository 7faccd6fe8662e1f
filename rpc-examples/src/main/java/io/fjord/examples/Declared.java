package io.fjord.examples;

import io.fjord.rpc.TransportUrl;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What an example declared on RabbitMQ, so that it deletes it when it ends: quorum queues and
 * streams refuse auto-delete (406), and durable queues would outlive the example. It names what
 * Fjord declares: {@code <topic>} and {@code <topic>.<server>} for an RPC topic, the
 * {@code <topic>_fanout} exchange and (with {@code rabbit_stream_fanout}) the stream of that name,
 * {@code <topic>.<priority>} notification queues and pool queues, the example's control exchange,
 * and with {@code use_queue_manager} the reply queues {@code reply_<hostname>:<processname>:<n>},
 * one per transport, which outlive their transport as oslo's do. Exclusive queues (Fjord's default
 * reply and fanout queues) go with their connection. Not thread-safe: an example builds one and
 * deletes it from one thread.
 */
final class Declared {
  private final String url;
  private final Set<String> queues = new LinkedHashSet<>();
  private final Set<String> exchanges = new LinkedHashSet<>();
  private int transports = 1;

  private Declared(String url) {
    this.url = url;
  }

  /** What a run with names made from {@code id} declares on {@code url}: at least its control exchange. */
  static Declared by(String url, String id) {
    Declared d = new Declared(url);
    d.exchanges.add(Brokers.exchangeName(id));
    return d;
  }

  /** An RPC topic with servers: its shared queues, and its fanout exchange and stream. */
  Declared rpcTopic(String topic, Collection<String> servers) {
    queues.add(topic);
    servers.forEach(s -> queues.add(topic + "." + s));
    queues.add(topic + "_fanout");
    exchanges.add(topic + "_fanout");
    return this;
  }

  /** The notification queues {@code <topic>.<priority>} of a topic. */
  Declared notifications(String topic, String... priorities) {
    for (String p : priorities) {
      queues.add(topic + "." + p);
    }
    return this;
  }

  /** A queue by name, e.g. a listener pool's. */
  Declared queue(String name) {
    queues.add(name);
    return this;
  }

  /** How many transports the example opened (each may own a reply queue); 1 unless told. */
  Declared transports(int count) {
    transports = count;
    return this;
  }

  /** The queues to delete, the queue manager's reply queues included. */
  List<String> queues() {
    List<String> all = new ArrayList<>(queues);
    Map<String, String> options = TransportUrl.parse(url).options();
    if (queueManager(options) && options.containsKey("hostname") && options.containsKey("processname")) {
      for (int n = 1; n <= transports; n++) {
        all.add("reply_" + options.get("hostname") + ":" + options.get("processname") + ":" + n);
      }
    }
    return all;
  }

  /** The exchanges to delete. */
  List<String> exchanges() {
    return List.copyOf(exchanges);
  }

  static boolean queueManager(Map<String, String> options) {
    String v = options.getOrDefault("use_queue_manager", "false").trim().toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1") || v.equals("yes") || v.equals("on");
  }

  /**
   * Deletes the queues and exchanges on the broker (nothing for memory://), each on its own channel
   * so that one refused does not stop the rest; what does not exist is no error.
   */
  void delete(PrintStream out) {
    if (Brokers.isMemory(url)) {
      return;
    }
    if (TransportUrl.parse(url).scheme().equals("amqps")) {
      out.println("(the example's queues and exchanges stay on the broker: its clean-up does not speak TLS)");
      return;
    }
    Map<String, String> options = TransportUrl.parse(url).options();
    if (queueManager(options) && !(options.containsKey("hostname") && options.containsKey("processname"))) {
      out.println("(the queue manager's reply queues stay on the broker: the URL names no hostname and processname)");
    }
    List<String> failures = new ArrayList<>();
    try (com.rabbitmq.client.Connection c = Brokers.connect(url, "fjord-example-cleanup")) {
      for (String q : queues()) {
        try (com.rabbitmq.client.Channel ch = c.createChannel()) {
          ch.queueDelete(q);
        } catch (Exception e) {
          failures.add("queue " + q + ": " + e.getMessage());
        }
      }
      for (String x : exchanges) {
        try (com.rabbitmq.client.Channel ch = c.createChannel()) {
          ch.exchangeDelete(x);
        } catch (Exception e) {
          failures.add("exchange " + x + ": " + e.getMessage());
        }
      }
    } catch (Exception e) {
      failures.add(e.getMessage());
    }
    out.println(failures.isEmpty() ? "deleted the example's queues and exchanges from the broker"
        : "(could not delete all of the example's queues and exchanges: " + failures + ")");
  }
}
