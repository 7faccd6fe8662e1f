package io.fjord.interop;

import io.fjord.amqp.TestBroker;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where and how an interop test class runs its oslo peers and Fjord: which oslo.messaging (host
 * 14.0.3 or chroot 16.1), which broker (the system RabbitMQ 3.10 or the 4.x node with 4.3's rules)
 * and which of oslo's {@code [oslo_messaging_rabbit]} options. Both sides get the same options in
 * their transport URL's query (oslo reads its options from there too), so they must declare the same
 * objects; with {@code use_queue_manager} each process also gets the class's {@code hostname} and its
 * own {@code processname}, as each OpenStack service has. Immutable.
 */
enum OsloSetup {
  /** oslo.messaging 14.0.3 on the host, RabbitMQ 3.10, oslo's defaults: the setup Fjord was built on. */
  RABBITMQ_3_HOST(false, "14.", Map.of()),
  /**
   * oslo.messaging 14.0.3 on RabbitMQ 3.10 with {@code kombu_compression=gzip}: every body both sides
   * publish is zlib-compressed and marked with a {@code compression} header, as kombu does.
   */
  RABBITMQ_3_COMPRESSED(false, "14.", options("kombu_compression", "gzip")),
  /** oslo.messaging 16.1 on RabbitMQ 4.x: durable topic queues, quorum reply and fanout queues. */
  RABBITMQ_4_DURABLE_QUORUM(true, "16.", options(
      "amqp_durable_queues", "true",
      "rabbit_transient_quorum_queue", "true")),
  /**
   * oslo.messaging 16.1 on RabbitMQ 4.x with Kolla-Ansible's options (2025.1 and later): quorum
   * queues everywhere, one stream per fanout topic, stable queue names; stream consumers need a
   * prefetch.
   */
  RABBITMQ_4_KOLLA(true, "16.", options(
      "rabbit_quorum_queue", "true",
      "rabbit_transient_quorum_queue", "true",
      "rabbit_stream_fanout", "true",
      "use_queue_manager", "true",
      "rabbit_qos_prefetch_count", "10"));

  private final boolean rabbitmq4;
  private final String osloVersion;
  private final Map<String, String> options;

  OsloSetup(boolean rabbitmq4, String osloVersion, Map<String, String> options) {
    this.rabbitmq4 = rabbitmq4;
    this.osloVersion = osloVersion;
    this.options = options;
  }

  /** The start of the oslo.messaging version the peers must report (Debian bookworm 14, trixie 16). */
  String osloVersion() {
    return osloVersion;
  }

  private static Map<String, String> options(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** The broker's URL without options, failing with how to get the broker when it does not answer. */
  String brokerUrl() {
    return rabbitmq4 ? TestBroker4.url() : TestBroker.url();
  }

  /** A new runtime for the peers of one test class (it stages the scripts where they will run). */
  OsloRuntime newRuntime() throws IOException {
    return rabbitmq4 ? new ChrootOslo() : new HostOslo();
  }

  /** oslo's options of this setup, in the order they go into URLs. */
  Map<String, String> options() {
    return options;
  }

  /** Whether oslo names queues after {@code hostname:processname} (use_queue_manager). */
  boolean namesQueuesAfterProcesses() {
    return "true".equals(options.get("use_queue_manager"));
  }

  /** Whether what a class declared can be listed and swept with rabbitmqctl (the local 4.x node). */
  boolean sweepable() {
    return rabbitmq4 && TestBroker4.isLocalNode(brokerUrl());
  }

  /**
   * The transport URL for one process (an oslo peer or a Fjord transport): the broker, this setup's
   * options and, with use_queue_manager, {@code hostname} and {@code processname}.
   */
  String url(String hostname, String processname) {
    Map<String, String> query = new LinkedHashMap<>(options);
    if (namesQueuesAfterProcesses()) {
      query.put("hostname", hostname);
      query.put("processname", processname);
    }
    StringBuilder url = new StringBuilder(brokerUrl());
    char sep = url.indexOf("?") < 0 ? '?' : '&';
    for (Map.Entry<String, String> e : query.entrySet()) {
      url.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return url.toString();
  }

  /** For test names and messages: the broker, the oslo side and the options. */
  String description() {
    return (rabbitmq4 ? "RabbitMQ 4.x (4.3 rules) with oslo.messaging 16.1 in the chroot"
        : "RabbitMQ 3.10 with oslo.messaging 14.0.3 on the host") + ", options " + options;
  }
}
