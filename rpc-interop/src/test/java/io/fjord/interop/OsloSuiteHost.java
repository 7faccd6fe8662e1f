package io.fjord.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Connection;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.server.RpcServer;
import io.fjord.testbroker.TestBrokers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Fjord side of oslo.messaging's functional suite: one JVM per suite worker that the Python shim
 * ({@code oslo/fjord_oslo_suite.py}) drives over stdin/stdout, starting and stopping the RPC servers and
 * notification listeners the suite's fixtures ask for, so the suite pays for one JVM start instead of
 * one per fixture.
 *
 * <p>Protocol, one JSON object per line. Commands (stdin) carry an {@code id} and get exactly one answer
 * (stdout) with that id, {@code "ok": true} or {@code "ok": false} with an {@code error}:
 * <ul>
 *   <li>{@code rpc_server}: {@code url, exchange, topic, server, endpoint} (a twin in
 *       {@link OsloSuiteEndpoints}: {@code test_server}, {@code delay}, {@code echo}), {@code namespace,
 *       version}; answers with a {@code handle} once the server consumes.
 *   <li>{@code listener}: {@code url, topics}, optional {@code batch_size, batch_timeout} (seconds); answers
 *       with a {@code handle} once the listener consumes.
 *   <li>{@code state}: {@code handle} of a {@code test_server}; answers {@code ival, sval}.
 *   <li>{@code stop}: {@code handle}; answers once the server or listener is closed.
 * </ul>
 * Events (stdout, no id): {@code ready} once at start; {@code sync} (a server's {@code sync} method ran:
 * {@code handle, ctxt}); {@code notification} ({@code handle, priority, ctxt, publisher_id, event_type,
 * payload, metadata}); {@code batch} ({@code handle, priority, messages}: such objects). At the end of stdin
 * the host closes everything, deletes the queues its servers and listeners declared (oslo's topic and
 * notification queues outlive their consumers) and exits. Logs go to stderr.
 */
public final class OsloSuiteHost {
  private static final ObjectMapper JSON = OsloPeer.JSON;
  private static final String DEFAULT_EXCHANGE = "openstack";

  private final Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
  private final Map<String, Hosted> hosted = new LinkedHashMap<>();
  private final AtomicInteger handles = new AtomicInteger();
  /** What the servers and listeners declared that does not go away by itself, per broker URL. */
  private final Map<String, Set<String>> queues = new LinkedHashMap<>();
  private final Map<String, Set<String>> exchanges = new LinkedHashMap<>();

  /** A running server or listener with its own transport (as each oslo fixture has its own). */
  private record Hosted(Transport transport, AutoCloseable consumer, OsloSuiteEndpoints.TestServer state) {
  }

  public static void main(String[] args) throws Exception {
    new OsloSuiteHost().run();
  }

  private void run() throws IOException {
    emit(JSON.createObjectNode().put("event", "ready"));
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          handle(JSON.readTree(line));
        }
      }
    } finally {
      shutdown();
    }
  }

  private void handle(JsonNode command) throws IOException {
    ObjectNode answer = JSON.createObjectNode().put("id", command.path("id").asInt());
    try {
      String op = command.path("op").asText();
      switch (op) {
        case "rpc_server" -> answer.put("handle", startServer(command));
        case "listener" -> answer.put("handle", startListener(command));
        case "state" -> {
          OsloSuiteEndpoints.TestServer state = find(command).state;
          if (state == null) {
            throw new IllegalArgumentException("handle " + command.path("handle").asText() + " has no test_server");
          }
          answer.put("ival", state.ival()).put("sval", state.sval());
        }
        case "stop" -> stop(command.path("handle").asText());
        default -> throw new IllegalArgumentException("unknown op '" + op + "'");
      }
      answer.put("ok", true);
    } catch (Exception e) {
      System.err.println("command " + command + " failed");
      e.printStackTrace();
      answer.put("ok", false).put("error", e.toString());
    }
    emit(answer);
  }

  private Hosted find(JsonNode command) {
    Hosted h = hosted.get(command.path("handle").asText());
    if (h == null) {
      throw new IllegalArgumentException("no server or listener with handle " + command.path("handle"));
    }
    return h;
  }

  private String startServer(JsonNode c) {
    String url = c.path("url").asText();
    String exchange = text(c, "exchange");
    Target target = Target.topic(c.path("topic").asText()).withServer(c.path("server").asText());
    if (exchange != null) {
      target = target.withExchange(exchange);
      remember(exchanges, url, exchange);
    }
    remember(queues, url, target.topic());
    remember(queues, url, target.topic() + "." + target.server());
    String handle = "s" + handles.incrementAndGet();
    OsloSuiteEndpoints.TestServer state = null;
    Object endpoint = switch (c.path("endpoint").asText()) {
      case "test_server" -> state = new OsloSuiteEndpoints.TestServer();
      case "delay" -> new OsloSuiteEndpoints.Delay();
      case "echo" -> new OsloSuiteEndpoints.Echo();
      default -> throw new IllegalArgumentException("no Java twin for endpoint '" + c.path("endpoint").asText() + "'");
    };
    Transport transport = open(url);
    try {
      RpcServer server = RpcServer.builder(transport, target)
          .endpoint(endpoint, text(c, "namespace"), c.path("version").asText("1.0"))
          .endpoint(new OsloSuiteEndpoints.FixtureControl(ctxt -> emit(event("sync", handle)
              .set("ctxt", JSON.valueToTree(ctxt.asMap())))), null, "1.0")
          .build();
      server.start();
      hosted.put(handle, new Hosted(transport, server, state));
      return handle;
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  private String startListener(JsonNode c) {
    String url = c.path("url").asText();
    String handle = "l" + handles.incrementAndGet();
    Transport transport = open(url);
    try {
      NotificationListener.Builder b = NotificationListener.builder(transport);
      for (JsonNode topic : c.path("topics")) {
        b.target(Target.topic(topic.asText()));
        for (String priority : List.of("audit", "debug", "info", "warn", "error", "critical", "sample")) {
          remember(queues, url, topic.asText() + "." + priority);
        }
      }
      if (c.hasNonNull("batch_size")) {
        b.batch(c.path("batch_size").asInt(), Duration.ofMillis(Math.round(c.path("batch_timeout").asDouble() * 1000)));
        b.endpoint(new OsloSuiteEndpoints.BatchListener(batch -> {
          ObjectNode e = event("batch", handle).put("priority", batch.get(0).priority().routingName());
          ArrayNode messages = e.putArray("messages");
          batch.forEach(n -> messages.add(message(n)));
          emit(e);
        }));
      } else {
        b.endpoint(new OsloSuiteEndpoints.Listener(n -> emit(message(n).put("event", "notification")
            .put("handle", handle).put("priority", n.priority().routingName()))));
      }
      NotificationListener listener = b.build();
      listener.start();
      hosted.put(handle, new Hosted(transport, listener, null));
      return handle;
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /** What oslo's dispatcher hands an endpoint: {@code ctxt, publisher_id, event_type, payload, metadata}. */
  private static ObjectNode message(ReceivedNotification n) {
    ObjectNode m = JSON.createObjectNode();
    m.set("ctxt", JSON.valueToTree(n.context().asMap()));
    m.put("publisher_id", n.publisherId()).put("event_type", n.eventType());
    m.set("payload", n.payload());
    m.putObject("metadata").put("message_id", n.metadata().messageId()).put("timestamp", n.metadata().timestamp());
    return m;
  }

  private void stop(String handle) throws Exception {
    Hosted h = hosted.remove(handle);
    if (h == null) {
      throw new IllegalArgumentException("no server or listener with handle " + handle);
    }
    try {
      h.consumer.close();
    } finally {
      h.transport.close();
    }
  }

  private static Transport open(String url) {
    return Transport.open(TransportUrl.parse(url), TransportOptions.builder().connectionName("fjord-oslo-suite").build());
  }

  private void shutdown() {
    for (String handle : new ArrayList<>(hosted.keySet())) {
      try {
        stop(handle);
      } catch (Exception e) {
        e.printStackTrace();
      }
    }
    Set<String> urls = new LinkedHashSet<>(queues.keySet());
    urls.addAll(exchanges.keySet());
    for (String url : urls) {
      Set<String> x = new LinkedHashSet<>(exchanges.getOrDefault(url, Set.of()));
      x.remove(DEFAULT_EXCHANGE);
      try (Connection raw = TestBrokers.rawConnection(url, "fjord-oslo-suite-cleanup")) {
        TestBrokers.delete(raw, queues.getOrDefault(url, Set.of()), x);
      } catch (Exception e) {
        System.err.println("could not delete the suite's queues on " + OsloPeer.redact(url) + ": " + e);
      }
    }
  }

  private static void remember(Map<String, Set<String>> names, String url, String name) {
    names.computeIfAbsent(url, k -> new LinkedHashSet<>()).add(name);
  }

  private static String text(JsonNode c, String field) {
    return c.hasNonNull(field) ? c.get(field).asText() : null;
  }

  private static ObjectNode event(String name, String handle) {
    return JSON.createObjectNode().put("event", name).put("handle", handle);
  }

  private void emit(JsonNode line) {
    try {
      synchronized (out) {
        out.write(JSON.writeValueAsString(line));
        out.write('\n');
        out.flush();
      }
    } catch (IOException e) {
      // the shim went away; the end of stdin stops the host
      System.err.println("cannot write to the shim: " + e);
    }
  }
}
