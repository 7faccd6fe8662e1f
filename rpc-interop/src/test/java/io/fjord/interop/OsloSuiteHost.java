package io.fjord.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Connection;
import io.fjord.notify.NotificationListener;
import io.fjord.notify.ReceivedNotification;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Fjord side of oslo.messaging's functional suite: a server on a loopback port that the Python shim
 * ({@code oslo/fjord_oslo_suite.py}) connects to, once per suite worker, to start and stop the RPC servers and
 * notification listeners the suite's fixtures ask for. {@link OsloFunctionalSuiteIT} runs it inside its own
 * JVM, so the suite pays for no JVM start at all; the shim reaches it from the RabbitMQ 4.x chroot too, which
 * shares the host's loopback. {@link #main} runs one on its own for a manual run of the shim.
 *
 * <p>Protocol, one JSON object per line, per connection (a session). Commands carry an {@code id} and get
 * exactly one answer with that id, {@code "ok": true} or {@code "ok": false} with an {@code error}:
 * <ul>
 *   <li>{@code rpc_server}: {@code url, exchange, topic, server, endpoint} (a twin in
 *       {@link OsloSuiteEndpoints}: {@code test_server}, {@code delay}, {@code echo}), {@code namespace,
 *       version}; answers with a {@code handle} once the server consumes.
 *   <li>{@code listener}: {@code url, topics}, optional {@code batch_size, batch_timeout} (seconds); answers
 *       with a {@code handle} once the listener consumes.
 *   <li>{@code state}: {@code handle} of a {@code test_server}; answers {@code ival, sval}.
 *   <li>{@code stop}: {@code handle}; answers once the server or listener is closed.
 * </ul>
 * Events (no id): {@code sync} (a server's {@code sync} method ran: {@code handle, ctxt}); {@code notification}
 * ({@code handle, priority, ctxt, publisher_id, event_type, payload, metadata}); {@code batch} ({@code handle,
 * priority, messages}: such objects). When the shim ends its side of the connection the session closes what
 * it started, deletes the queues and exchanges its servers and listeners declared that outlive them (oslo's
 * topic and notification queues; durable fanout exchanges), then closes the connection. Thread-safe.
 */
public final class OsloSuiteHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OsloSuiteHost.class);
  private static final ObjectMapper JSON = OsloPeer.JSON;
  private static final String DEFAULT_EXCHANGE = "openstack";
  /** How long {@link #close()} waits for the sessions' clean-up. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

  private final ServerSocket socket;
  private final AtomicInteger handles = new AtomicInteger();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Set<Thread> sessions = ConcurrentHashMap.newKeySet();

  private OsloSuiteHost(ServerSocket socket) {
    this.socket = socket;
    Thread acceptor = new Thread(this::accept, "oslo-suite-host");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a host on a free port of 127.0.0.1. */
  static OsloSuiteHost start() throws IOException {
    return new OsloSuiteHost(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  /** Where the shim connects: {@code 127.0.0.1:<port>}. */
  String address() {
    return socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
  }

  /** Runs a host until stdin ends, for a manual run of the shim ({@code --fjord-host}, printed at start). */
  public static void main(String[] args) throws Exception {
    try (OsloSuiteHost host = start()) {
      System.out.println("OsloSuiteHost listening on " + host.address() + " until stdin ends");
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket c = socket.accept();
        connections.add(c);
        Session session = new Session(c);
        Thread t = new Thread(() -> {
          try {
            session.run();
          } finally {
            connections.remove(c);
            sessions.remove(Thread.currentThread());
          }
        }, "oslo-suite-session-" + c.getPort());
        t.setDaemon(true);
        sessions.add(t);
        t.start();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("accepting a suite worker failed", e);
        }
      }
    }
  }

  /**
   * Stops accepting, ends every session still connected and waits up to {@link #CLOSE_WAIT} for the sessions to
   * close what they started and delete their queues.
   */
  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket c : connections) {
      try {
        c.shutdownInput();
      } catch (IOException e) {
        log.debug("ending {}", c, e);
      }
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    for (Thread t : sessions) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        if (t.isAlive()) {
          log.warn("suite session {} still cleaning up after {}", t.getName(), CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A running server or listener with its own transport (as each oslo fixture has its own). */
  private record Hosted(Transport transport, AutoCloseable consumer, OsloSuiteEndpoints.TestServer state,
                        ExecutorService executor) {
  }

  /** One suite worker's connection: its commands run in order on the session's thread. */
  private final class Session {
    private final Socket connection;
    private final Writer out;
    private final Map<String, Hosted> hosted = new LinkedHashMap<>();
    /** What the servers and listeners declared that does not go away by itself, per broker URL. */
    private final Map<String, Set<String>> queues = new LinkedHashMap<>();
    private final Map<String, Set<String>> exchanges = new LinkedHashMap<>();

    Session(Socket connection) throws IOException {
      this.connection = connection;
      this.out = new OutputStreamWriter(connection.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Serves the worker's commands until it ends its side, then cleans up and only then closes the connection. */
    void run() {
      try {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            handle(JSON.readTree(line));
          }
        }
      } catch (IOException e) {
        log.warn("suite worker connection {} failed", connection, e);
      } finally {
        shutdown();
        try {
          connection.close();
        } catch (IOException e) {
          log.debug("closing {}", connection, e);
        }
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
        log.warn("command {} failed", command, e);
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
      // durable, not auto-deleted, when oslo's quorum options are on
      remember(exchanges, url, target.topic() + "_fanout");
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
        hosted.put(handle, new Hosted(transport, server, state, null));
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
      // one notification at a time, in each queue's order, as oslo's fixture gets from its eventlet executor:
      // test_multiple_servers asserts each listener saw its share in the order sent
      ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "oslo-suite-listener-" + handle);
        t.setDaemon(true);
        return t;
      });
      try {
        NotificationListener.Builder b = NotificationListener.builder(transport).executor(executor);
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
        hosted.put(handle, new Hosted(transport, listener, null, executor));
        return handle;
      } catch (RuntimeException e) {
        transport.close();
        executor.shutdownNow();
        throw e;
      }
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
        if (h.executor != null) {
          h.executor.shutdownNow();
        }
      }
    }

    private void shutdown() {
      for (String handle : new ArrayList<>(hosted.keySet())) {
        try {
          stop(handle);
        } catch (Exception e) {
          log.warn("closing {} failed", handle, e);
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
          log.warn("could not delete the suite's queues on {}: {}", OsloPeer.redact(url), e.toString());
        }
      }
    }

    private void emit(JsonNode line) {
      try {
        synchronized (out) {
          out.write(JSON.writeValueAsString(line));
          out.write('\n');
          out.flush();
        }
      } catch (IOException e) {
        // the worker went away: the end of its connection ends the session
        log.warn("cannot write to suite worker {}: {}", connection, e.toString());
      }
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

  private static Transport open(String url) {
    return Transport.open(TransportUrl.parse(url), TransportOptions.builder().connectionName("fjord-oslo-suite").build());
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
}
