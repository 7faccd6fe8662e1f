package io.fjord.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Connection;
import io.fjord.rpc.TransportUrl;
import io.fjord.testbroker.TestBrokers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one test class left on the local RabbitMQ 4.x node, found with rabbitmqctl
 * ({@link TestBroker4#ctl}) and deleted over AMQP. A class's objects are those whose name contains
 * one of its random names (topics, exchanges, pools, the use_queue_manager hostname), which covers
 * queue-manager names ({@code reply_<hostname>:<processname>:<n>},
 * {@code <topic>_fanout_<hostname>:<processname>:<n>}) and streams, plus every queue its own
 * connections consume (a Fjord transport's connection name, an oslo peer's pid), which covers
 * {@code reply_<uuid>} queues nobody can predict. {@link #take} also writes them, with their flags,
 * arguments and consumers, to {@code target/oslo-logs/<label>-broker.txt}: the record of what oslo
 * and Fjord declared in that setup.
 */
final class BrokerSweep {
  /** The queues and exchanges of one class, by name. */
  record Snapshot(Set<String> queues, Set<String> exchanges) {
  }

  private BrokerSweep() {
  }

  /**
   * Lists the class's queues and exchanges, writes the record for {@code label} and returns them.
   *
   * @param tokens names the class made; an object whose name contains one belongs to the class
   * @param connections the {@code connection_name}s of the class's own connections (oslo's without
   *     their uuid; a Fjord transport's name also covers its {@code :publish} and {@code :consume})
   */
  static Snapshot take(String url, String label, Collection<String> tokens, Collection<String> connections)
      throws Exception {
    String vhost = TransportUrl.parse(url).virtualHost();
    Map<String, Set<String>> consumers = consumersByQueue(vhost);
    List<String> report = new ArrayList<>();
    Set<String> queues = new TreeSet<>();
    report.add("# queues: name type durable auto_delete exclusive arguments; consumers (connection names)");
    for (JsonNode q : sorted(ctlJson("list_queues", "-p", vhost, "name", "type", "durable", "auto_delete", "exclusive",
        "arguments"))) {
      String name = q.path("name").asText();
      Set<String> by = consumers.getOrDefault(name, Set.of());
      if (contains(name, tokens) || by.stream().anyMatch(c -> isOneOf(c, connections))) {
        queues.add(name);
        report.add(String.join("\t", name, q.path("type").asText(), "durable=" + q.path("durable").asText(),
            "auto_delete=" + q.path("auto_delete").asText(), "exclusive=" + q.path("exclusive").asText(),
            arguments(q.path("arguments")), "consumers=" + by));
      }
    }
    Set<String> exchanges = new TreeSet<>();
    report.add("# exchanges: name type durable auto_delete arguments");
    for (JsonNode x : sorted(ctlJson("list_exchanges", "-p", vhost, "name", "type", "durable", "auto_delete",
        "arguments"))) {
      String name = x.path("name").asText();
      if (contains(name, tokens)) {
        exchanges.add(name);
        report.add(String.join("\t", name, x.path("type").asText(), "durable=" + x.path("durable").asText(),
            "auto_delete=" + x.path("auto_delete").asText(), arguments(x.path("arguments"))));
      }
    }
    Path logs = Path.of("target", "oslo-logs");
    Files.createDirectories(logs);
    Files.write(logs.resolve(label + "-broker.txt"), report, StandardCharsets.UTF_8);
    return new Snapshot(queues, exchanges);
  }

  /** Deletes what {@code snapshot} lists, ignoring what is gone already. */
  static void delete(String url, Snapshot snapshot) throws Exception {
    try (Connection raw = TestBrokers.rawConnection(url, "fjord-interop-sweep")) {
      TestBrokers.delete(raw, snapshot.queues(), snapshot.exchanges());
    }
  }

  /** Queue name -> connection names of its consumers, abbreviated (oslo's end in a uuid). */
  private static Map<String, Set<String>> consumersByQueue(String vhost) throws Exception {
    Map<String, String> connectionNames = new HashMap<>();
    for (JsonNode c : ctlJson("list_connections", "pid", "client_properties")) {
      for (JsonNode property : c.path("client_properties")) {
        if ("connection_name".equals(property.path(0).asText())) {
          connectionNames.put(c.path("pid").asText(), property.path(2).asText().replaceAll(":[0-9a-f-]{36}$", ""));
        }
      }
    }
    Map<String, String> channelConnection = new HashMap<>();
    for (JsonNode ch : ctlJson("list_channels", "pid", "connection")) {
      channelConnection.put(ch.path("pid").asText(), ch.path("connection").asText());
    }
    Map<String, Set<String>> byQueue = new TreeMap<>();
    for (JsonNode consumer : ctlJson("list_consumers", "-p", vhost, "queue_name", "channel_pid")) {
      String connection = channelConnection.get(consumer.path("channel_pid").asText());
      byQueue.computeIfAbsent(consumer.path("queue_name").asText(), k -> new TreeSet<>())
          .add(connectionNames.getOrDefault(connection, "(unnamed connection)"));
    }
    return byQueue;
  }

  private static List<JsonNode> ctlJson(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--formatter", "json", "--quiet"));
    List<String> lines = TestBroker4.ctl(all.toArray(String[]::new));
    // the JSON array starts at the first line that opens it; anything before is rabbitmqctl chatter
    int start = 0;
    while (start < lines.size() && !lines.get(start).startsWith("[")) {
      start++;
    }
    JsonNode array = OsloPeer.JSON.readTree(String.join("\n", lines.subList(start, lines.size())));
    if (!array.isArray()) {
      throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " printed no JSON array: " + lines);
    }
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  private static List<JsonNode> sorted(List<JsonNode> rows) {
    return rows.stream().sorted((a, b) -> a.path("name").asText().compareTo(b.path("name").asText())).toList();
  }

  /** Whether connection name {@code c} is one of {@code connections} or a sub-connection ({@code <name>:consume}). */
  private static boolean isOneOf(String c, Collection<String> connections) {
    return connections.stream().anyMatch(m -> c.equals(m) || c.startsWith(m + ":"));
  }

  private static boolean contains(String name, Collection<String> parts) {
    return parts.stream().anyMatch(name::contains);
  }

  /** {@code [["x-queue-type","longstr","quorum"]]} as {@code {x-queue-type=quorum}}. */
  private static String arguments(JsonNode args) {
    Map<String, String> m = new TreeMap<>();
    args.forEach(a -> m.put(a.path(0).asText(), a.path(2).toString().replace("\"", "")));
    return m.toString();
  }
}
