package io.fjord.amqp;

import io.fjord.testbroker.TestBrokers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A broker and the topology options a test class runs Fjord with there, plus the clean-up those
 * options need: RabbitMQ 3.10 or 4.x with Fjord's defaults, or 4.x with Kolla-Ansible's oslo option
 * set. With Kolla's set, reply queues are quorum queues named by oslo's queue manager,
 * {@code reply_<hostname>:<processname>:<n>}, and outlive their transport; the profile gives each
 * test class a hostname and processname of its own and deletes {@code reply_<h>:<p>:1..N} as tests
 * end, N being the queue manager's count (and the count file goes when the JVM exits). Thread-safe.
 */
public final class BrokerProfile {
  /** oslo's options as Kolla-Ansible (2025.1 and later) sets them. */
  public static final String KOLLA_OPTIONS = "rabbit_quorum_queue=true&rabbit_transient_quorum_queue=true"
      + "&rabbit_stream_fanout=true&use_queue_manager=true";

  private final String name;
  private final Supplier<String> broker;
  private final String options;
  private final String hostname;
  private final String processname;
  private final AtomicInteger transports = new AtomicInteger();
  private int deletedUpTo;

  private BrokerProfile(String name, Supplier<String> broker, String options, String hostname, String processname) {
    this.name = name;
    this.broker = broker;
    this.options = options;
    this.hostname = hostname;
    this.processname = processname;
    if (hostname != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> QueueManager.forget(hostname, processname)));
    }
  }

  /** RabbitMQ 3.10 (the test broker), Fjord's default options. */
  public static BrokerProfile rabbit3() {
    return new BrokerProfile("RabbitMQ 3.10, default options", TestBroker::url, "", null, null);
  }

  /** RabbitMQ 4.x with 4.3's rules, Fjord's default options. */
  public static BrokerProfile rabbit4() {
    return new BrokerProfile("RabbitMQ 4.x, default options", TestBroker::rabbit4Url, "", null, null);
  }

  /**
   * RabbitMQ 4.x with 4.3's rules and {@link #KOLLA_OPTIONS}, with a hostname and processname of
   * this profile's own ({@code fjord-it-<hex>} and {@code processname}).
   */
  public static BrokerProfile rabbit4Kolla(String processname) {
    String hostname = "fjord-it-" + UUID.randomUUID().toString().substring(0, 8);
    return new BrokerProfile("RabbitMQ 4.x, Kolla's options", TestBroker::rabbit4Url,
        KOLLA_OPTIONS + "&hostname=" + hostname + "&processname=" + processname, hostname, processname);
  }

  /** The transport URL to open; each call counts as one transport opened. */
  public String url() {
    transports.incrementAndGet();
    return withOptions(broker.get(), options);
  }

  /** The broker's URL without this profile's options, e.g. for a raw connection. */
  public String brokerUrl() {
    return broker.get();
  }

  /** The reply queues the queue manager may have named for transports opened since the last call. */
  public synchronized List<String> replyQueuesSinceLastCall() {
    List<String> queues = new ArrayList<>();
    // the queue manager's own count: a transport names one reply queue, some name none
    int opened = hostname == null ? 0 : Math.max(transports.get(), QueueManager.lastCount(hostname, processname));
    if (hostname != null) {
      for (int n = deletedUpTo + 1; n <= opened; n++) {
        queues.add(replyQueue(n));
      }
    }
    deletedUpTo = opened;
    return queues;
  }

  /** The queue manager's name for reply queue {@code n}: {@code reply_<hostname>:<processname>:<n>}. */
  public String replyQueue(int n) {
    return "reply_" + hostname + ":" + processname + ":" + n;
  }

  /**
   * Deletes {@code queues} and {@code exchanges} on the broker, and the reply queues of the
   * transports opened since the last clean-up, ignoring what does not exist.
   */
  public void delete(Collection<String> queues, Collection<String> exchanges) throws Exception {
    List<String> all = new ArrayList<>(queues);
    all.addAll(replyQueuesSinceLastCall());
    try (var raw = TestBroker.rawConnection(brokerUrl())) {
      TestBrokers.delete(raw, all, exchanges);
    }
  }

  /**
   * What Fjord declares for an RPC topic with these servers, whatever the options: {@code <topic>},
   * {@code <topic>.<server>}, the {@code <topic>_fanout} exchange and (stream fanout) queue.
   */
  public static List<String> rpcQueues(String topic, Collection<String> servers) {
    List<String> queues = new ArrayList<>(List.of(topic, topic + "_fanout"));
    servers.forEach(s -> queues.add(topic + "." + s));
    return queues;
  }

  static String withOptions(String url, String options) {
    return options.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + options;
  }

  @Override
  public String toString() {
    return name;
  }
}
