package io.fjord.rpc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.MessageTooLargeException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.Version;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.internal.ConsumerLifecycle;
import io.fjord.rpc.internal.Contexts;
import io.fjord.rpc.internal.Envelope;
import io.fjord.rpc.internal.Failures;
import io.fjord.rpc.internal.Internal;
import io.fjord.rpc.internal.RecentIds;
import io.fjord.rpc.internal.Requests;
import io.fjord.rpc.internal.TransportCore;
import io.fjord.rpc.internal.WireJson;
import io.fjord.rpc.spi.IncomingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Serves RPC requests for one {@link Target} (topic and server) by dispatching them to endpoint
 * objects, as oslo.messaging's RPC server: it consumes the shared {@code <topic>} queue (one of many
 * servers gets each request), the {@code <topic>.<server>} queue (requests for this server only)
 * and its own queue on the {@code <topic>_fanout} exchange (broadcasts).
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder(transport, Target.topic("compute").withServer("host-1"))
 *     .endpoint(new ComputeManager())
 *     .build();
 * server.start();
 * }</pre>
 *
 * <p>Delivery: a request is acknowledged when its processing starts, before the endpoint runs
 * (at-most-once, as oslo). Each request is dispatched on the executor (default: a pool of up to 64
 * named threads that keeps a stream of quick requests on the few threads that keep up, waking the
 * most recently idle one first, and grows to 64 for blocking endpoints). A call gets exactly one final reply; while the method runs and the caller asked
 * for a call-monitor, heartbeats go out every half of that timeout and stop when the method ends.
 * A message that cannot be decoded is rejected without requeue; an unknown method, a bad argument
 * or an oversized message gets a typed failure reply when it carries a reply address; either way
 * the server keeps serving. Requests whose {@code _unique_id} is among the last 16 seen are dropped
 * as duplicates.
 *
 * <p>Lifecycle: {@link #start()}, {@link #stop()} (stop consuming), {@link #awaitTermination(Duration)}
 * (wait for running requests), {@link #close()} (all three, bounded, idempotent). Methods are
 * thread-safe. Endpoint code runs on executor threads, never on the driver's threads.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
  private static final int DUPLICATE_WINDOW = 16;

  /**
   * The SLF4J MDC key holding the id of the request being processed, on the server's threads while a
   * request is dispatched (interceptors, endpoint, Fjord's own log lines): the context's
   * {@code request_id}, else the message's {@code _msg_id} (a call) or {@code _unique_id} (a cast).
   * Add {@code %X{request_id}} to a log pattern to see it.
   */
  public static final String MDC_REQUEST_ID = "request_id";

  /** Reply queue names a server answers to by default: oslo's and Fjord's {@code reply_<hex>}. */
  public static final java.util.regex.Pattern DEFAULT_REPLY_QUEUE_PATTERN = java.util.regex.Pattern.compile("reply_.+");

  /** Default largest request size processed. */
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 16L * 1024 * 1024;

  private final TransportCore core;
  private final Target target;
  private final Dispatcher dispatcher;
  private final long maxMessageSize;
  private final java.util.regex.Pattern replyQueuePattern;
  private final RecentIds recentIds = new RecentIds(DUPLICATE_WINDOW);
  private final ConsumerLifecycle lifecycle;
  private final List<ServerInterceptor> interceptors;

  private RpcServer(Builder b) {
    this.interceptors = List.copyOf(b.interceptors);
    this.core = Internal.core(b.transport);
    this.target = b.target;
    core.require(io.fjord.rpc.Capability.RPC, "RpcServer for " + target);
    List<Endpoint> endpoints = new ArrayList<>();
    for (Registered r : b.endpoints) {
      endpoints.add(r.version == null ? Endpoint.of(r.instance, b.accessPolicy, core.serializer())
          : Endpoint.of(r.instance, r.namespace, r.version, b.accessPolicy, core.serializer()));
    }
    if (b.enablePing) {
      endpoints.add(Endpoint.of(new PingEndpoint(), AccessPolicy.DEFAULT, core.serializer()));
    }
    this.dispatcher = new Dispatcher(endpoints);
    this.maxMessageSize = b.maxMessageSize;
    this.replyQueuePattern = b.replyQueuePattern;
    this.lifecycle = new ConsumerLifecycle("RpcServer for " + target, core, this, b.executor,
        "fjord-rpc-" + target.topic());
  }

  /** Starts a builder; {@code target} needs a topic and a server. */
  public static Builder builder(Transport transport, Target target) {
    return new Builder(transport, target);
  }

  public Target target() {
    return target;
  }

  /** True between {@link #start()} and {@link #stop()}. */
  public boolean isRunning() {
    return lifecycle.isRunning();
  }

  /**
   * Declares the queues and starts consuming.
   *
   * @throws IllegalStateException when already started, stopped or closed
   */
  public void start() {
    lifecycle.start(() -> core.driver().listen(target, this::onMessage));
    log.debug("RpcServer started on {}", target);
  }

  /**
   * Stops consuming new requests; requests already received still run and reply. Idempotent;
   * a server never started just moves to stopped.
   */
  public void stop() {
    lifecycle.stop();
  }

  /**
   * Waits until the server is stopped and its running requests have finished.
   *
   * @return true when terminated, false when the timeout ran out first
   * @throws IllegalStateException when the server is still running (call {@link #stop()} first)
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return lifecycle.awaitTermination(timeout);
  }

  /**
   * Stops, waits up to the transport's close timeout for running requests, deletes the server's
   * fanout queue and shuts down the default executor. Idempotent.
   */
  @Override
  public void close() {
    lifecycle.close(null);
  }

  // ---- message processing

  private void onMessage(IncomingMessage message) {
    lifecycle.execute(message, () -> {
      try {
        process(message);
      } catch (RuntimeException | Error e) {
        log.error("Unexpected error processing a request on {}", target, e);
      } finally {
        lifecycle.done();
      }
    });
  }

  private void process(IncomingMessage message) {
    if (message.body().length > maxMessageSize) {
      rejectOversized(message);
      return;
    }
    ObjectNode request;
    try {
      request = Envelope.unwrap(message.body());
    } catch (IllegalArgumentException e) {
      log.warn("Rejecting undecodable request from {} on {} ({} bytes): {}", message.source(), target,
          message.body().length, e.getMessage());
      message.reject(false);
      return;
    }
    message.ack();
    String previousId = MDC.get(MDC_REQUEST_ID);
    restoreMdc(requestId(request));
    try {
      process(request);
    } finally {
      restoreMdc(previousId);
    }
  }

  /**
   * The id logged with a request: its context's {@code request_id} (oslo.context's {@code req-...}),
   * else its {@code _msg_id} (a call), else its {@code _unique_id}.
   */
  static String requestId(JsonNode request) {
    for (String field : new String[] {"_context_request_id", "_msg_id", "_unique_id"}) {
      JsonNode n = request.get(field);
      if (n != null && n.isTextual() && !n.textValue().isEmpty()) {
        return n.textValue();
      }
    }
    return null;
  }

  /** Sets the MDC request id to {@code previous}, removing it for null. */
  private static void restoreMdc(String previous) {
    if (previous == null) {
      MDC.remove(MDC_REQUEST_ID);
    } else {
      MDC.put(MDC_REQUEST_ID, previous);
    }
  }

  private void process(ObjectNode request) {
    JsonNode msgId = request.remove("_msg_id");
    JsonNode replyNode = request.remove("_reply_q");
    JsonNode clientTimeout = request.remove("_timeout");
    JsonNode uniqueId = request.remove("_unique_id");
    String replyQueue = replyNode == null || replyNode.isNull() ? null : replyNode.asText();
    boolean wantsReply = msgId != null && !msgId.isNull() && !msgId.asText().isEmpty() && replyQueue != null;
    String method = request.hasNonNull("method") ? request.get("method").asText() : null;

    if (uniqueId != null && !uniqueId.isNull() && recentIds.checkAndAdd(uniqueId.asText())) {
      log.debug("Dropping duplicate request {} ('{}') on {}", uniqueId.asText(), method, target);
      return;
    }
    if (wantsReply && !replyQueuePattern.matcher(replyQueue).matches()) {
      log.warn("Refusing request '{}' on {}: its reply queue '{}' is not a reply queue name (pattern {}); "
          + "a reply there could land in another service's queue", method, target, replyQueue, replyQueuePattern);
      return;
    }

    RequestContext context = Contexts.extract(request);
    context = context.with("client_timeout", clientTimeout == null ? null : WireJson.plain(clientTimeout));
    ScheduledFuture<?> heartbeat = wantsReply ? startHeartbeat(clientTimeout, replyQueue, msgId) : null;

    EndpointMethod selected = null;
    try {
      if (method == null) {
        throw new RpcArgumentException("Request to " + target + " has no 'method'");
      }
      String namespace = request.hasNonNull("namespace") ? request.get("namespace").asText() : null;
      String version = request.hasNonNull("version") ? request.get("version").asText() : null;
      Object result;
      if (interceptors.isEmpty()) {
        Dispatcher.Selection s = dispatcher.select(method, namespace, version);
        selected = s.method();
        result = s.method().invoke(s.endpoint().instance, context, request.get("args"), core.serializer(),
            target.server());
      } else {
        EndpointMethod[] chosen = new EndpointMethod[1];
        try {
          result = new Chain(0, chosen).proceed(new ServerInvocation(target, method, namespace, version,
              request.get("args"), context, wantsReply));
        } finally {
          selected = chosen[0];
        }
      }
      if (result instanceof CompletionStage<?> stage) {
        EndpointMethod sel = selected;
        String id = MDC.get(MDC_REQUEST_ID);
        stage.whenComplete((r, e) -> {
          String previous = MDC.get(MDC_REQUEST_ID);
          restoreMdc(id);
          try {
            finish(method, sel, heartbeat, wantsReply, replyQueue, msgId, r, e == null ? null : unwrapCompletion(e));
          } finally {
            restoreMdc(previous);
          }
        });
        return;
      }
      finish(method, selected, heartbeat, wantsReply, replyQueue, msgId, result, null);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) {
        throw (VirtualMachineError) t;
      }
      finish(method, selected, heartbeat, wantsReply, replyQueue, msgId, null, t);
    }
  }

  /** The interceptors from {@code index} on, then endpoint selection and the endpoint. */
  private final class Chain implements ServerInterceptor.Chain {
    private final int index;
    private final EndpointMethod[] chosen;

    Chain(int index, EndpointMethod[] chosen) {
      this.index = index;
      this.chosen = chosen;
    }

    @Override
    public Object proceed(ServerInvocation invocation) throws Exception {
      Objects.requireNonNull(invocation, "invocation");
      if (index < interceptors.size()) {
        return interceptors.get(index).intercept(invocation, new Chain(index + 1, chosen));
      }
      if (invocation.method() == null) {
        throw new RpcArgumentException("Request to " + target + " has no 'method'");
      }
      Dispatcher.Selection s = dispatcher.select(invocation.method(), invocation.namespace(), invocation.version());
      chosen[0] = s.method();
      try {
        return s.method().invoke(s.endpoint().instance, invocation.context(), invocation.args(), core.serializer(),
            target.server());
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new java.lang.reflect.UndeclaredThrowableException(t);
      }
    }
  }

  /** Answers an oversized request from its addressing fields alone, without decoding its arguments. */
  private void rejectOversized(IncomingMessage message) {
    Envelope.Peek peek;
    try {
      peek = Envelope.peek(message.body());
    } catch (IllegalArgumentException e) {
      log.warn("Rejecting an oversized undecodable request ({} bytes) on {}: {}", message.body().length, target,
          e.getMessage());
      message.reject(false);
      return;
    }
    message.ack();
    MessageTooLargeException tooLarge = new MessageTooLargeException("Request '" + peek.method() + "' to " + target
        + " is " + message.body().length + " bytes, above the server's maximum of " + maxMessageSize,
        message.body().length, maxMessageSize);
    log.warn("{}", tooLarge.getMessage());
    boolean wantsReply = peek.msgId() != null && !peek.msgId().isNull() && peek.replyQueue() != null;
    if (wantsReply && replyQueuePattern.matcher(peek.replyQueue()).matches()) {
      reply(peek.replyQueue(), peek.msgId(), null, tooLarge);
    }
  }

  private static Throwable unwrapCompletion(Throwable e) {
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private void finish(String method, EndpointMethod selected, ScheduledFuture<?> heartbeat, boolean wantsReply,
                      String replyQueue, JsonNode msgId, Object result, Throwable error) {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (error != null) {
      logFailure(method, selected, error, wantsReply);
    }
    if (wantsReply) {
      reply(replyQueue, msgId, result, error);
    }
  }

  private void logFailure(String method, EndpointMethod selected, Throwable error, boolean wantsReply) {
    String kind = wantsReply ? "call" : "cast";
    if (selected != null && selected.isExpected(error)) {
      log.debug("Expected exception from {} '{}' on {}: {}", kind, method, target, error.toString());
    } else if (error instanceof RemoteException || error instanceof RpcArgumentException
        || error instanceof MessageTooLargeException) {
      log.warn("Rejected {} '{}' on {}: {}", kind, method, target, error.getMessage());
    } else {
      log.error("Exception during {} '{}' on {}", kind, method, target, error);
    }
  }

  private void reply(String replyQueue, JsonNode msgId, Object result, Throwable error) {
    ObjectNode reply;
    if (error == null) {
      JsonNode tree;
      try {
        tree = core.serializer().toJson(result);
      } catch (IllegalArgumentException e) {
        log.error("Result of a call on {} cannot be serialized", target, e);
        reply = Requests.reply(null, Failures.encode(e), msgId);
        send(replyQueue, reply);
        return;
      }
      reply = Requests.reply(tree, null, msgId);
    } else {
      reply = Requests.reply(null, Failures.encode(error), msgId);
    }
    send(replyQueue, reply);
  }

  private void send(String replyQueue, ObjectNode reply) {
    try {
      core.driver().sendReply(replyQueue, Envelope.wrap(reply)).whenComplete((ok, e) -> {
        if (e != null) {
          log.warn("Could not deliver a reply to {} from {}: {}", replyQueue, target, e.getMessage());
        }
      });
    } catch (RuntimeException e) {
      log.warn("Could not deliver a reply to {} from {}: {}", replyQueue, target, e.getMessage());
    }
  }

  /** oslo's watchdog: a heartbeat every int(_timeout)/2 seconds, none when that is below 1 s. */
  private ScheduledFuture<?> startHeartbeat(JsonNode clientTimeout, String replyQueue, JsonNode msgId) {
    if (clientTimeout == null || clientTimeout.isNull()) {
      return null;
    }
    long seconds;
    try {
      seconds = clientTimeout.isNumber() ? clientTimeout.longValue() : Long.parseLong(clientTimeout.asText().trim());
    } catch (NumberFormatException e) {
      log.warn("Client provided an invalid call monitor timeout '{}' on {}; sending no heartbeats", clientTimeout, target);
      return null;
    }
    long intervalMillis = seconds * 1000 / 2;
    if (intervalMillis < 1000) {
      log.warn("Client provided an invalid call monitor timeout {} on {}; sending no heartbeats", seconds, target);
      return null;
    }
    return core.timer().scheduleAtFixedRate(() -> send(replyQueue, Requests.heartbeat(msgId)), intervalMillis,
        intervalMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public String toString() {
    return "RpcServer{" + target + ", state=" + lifecycle + "}";
  }

  /** oslo's optional ping endpoint (rpc_ping_enabled): {@code oslo_rpc_server_ping} returns "pong". */
  public static final class PingEndpoint {
    @RpcMethod("oslo_rpc_server_ping")
    public String ping() {
      return "pong";
    }
  }

  /** An endpoint as added to a builder; {@code version} null: namespace and version from its annotation. */
  private record Registered(Object instance, String namespace, Version version) {
  }

  /** Builds an {@link RpcServer}; not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private final Target target;
    private final List<Registered> endpoints = new ArrayList<>();
    private Executor executor;
    private AccessPolicy accessPolicy = AccessPolicy.DEFAULT;
    private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private boolean enablePing;
    private java.util.regex.Pattern replyQueuePattern = DEFAULT_REPLY_QUEUE_PATTERN;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();

    private Builder(Transport transport, Target target) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.target = Objects.requireNonNull(target, "target").requireListenable();
    }

    /**
     * Adds an endpoint serving the namespace and version of its {@link io.fjord.rpc.annotation.RpcEndpoint}
     * annotation (none: the default namespace at 1.0); earlier endpoints win when several can serve a request.
     */
    public Builder endpoint(Object endpoint) {
      endpoints.add(new Registered(Objects.requireNonNull(endpoint, "endpoint"), null, null));
      return this;
    }

    /**
     * Adds an endpoint serving {@code namespace} (null: the default namespace) at {@code version},
     * whatever its annotation says, as oslo's per-instance endpoint {@code target}: for endpoints whose
     * namespace or version is known only at run time (a diagnostic server, a proxy).
     *
     * @throws IllegalArgumentException when {@code version} is not {@code X.Y[.Z]}
     */
    public Builder endpoint(Object endpoint, String namespace, String version) {
      Objects.requireNonNull(version, "version");
      endpoints.add(new Registered(Objects.requireNonNull(endpoint, "endpoint"), namespace, Version.parse(version)));
      return this;
    }

    public Builder endpoints(Object... endpoints) {
      for (Object e : endpoints) {
        endpoint(e);
      }
      return this;
    }

    /**
     * Runs requests on {@code executor} (any Executor, e.g. virtual threads); the server does not shut
     * it down. Default: a pool of up to 64 named daemon threads owned by the server, the most recently
     * idle thread woken first.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public Builder accessPolicy(AccessPolicy accessPolicy) {
      this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
      return this;
    }

    /** Largest request processed; larger ones get a {@link MessageTooLargeException} failure. Default 16 MiB. */
    public Builder maxMessageSize(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxMessageSize must be positive, got " + bytes);
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * Which {@code _reply_q} names the server replies to. Default {@code reply_.+}, what oslo and Fjord
     * clients use: a request naming any other queue (say, another service's work queue) is dropped
     * with a warning instead of publishing into that queue.
     */
    public Builder replyQueuePattern(java.util.regex.Pattern pattern) {
      this.replyQueuePattern = Objects.requireNonNull(pattern, "pattern");
      return this;
    }

    /**
     * Adds an interceptor around the dispatch of every request; interceptors run in the order added,
     * the first outermost.
     */
    public Builder interceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Answers oslo's {@code oslo_rpc_server_ping} with "pong" (oslo's rpc_ping_enabled). Default off. */
    public Builder enablePing(boolean enablePing) {
      this.enablePing = enablePing;
      return this;
    }

    /**
     * Validates the endpoints and builds a server that is not started yet.
     *
     * @throws IllegalArgumentException naming the endpoint and method when an endpoint cannot be exposed
     * @throws IllegalStateException when no endpoint was added
     */
    public RpcServer build() {
      if (endpoints.isEmpty() && !enablePing) {
        throw new IllegalStateException("RpcServer for " + target + " needs at least one endpoint (builder.endpoint(...))");
      }
      return new RpcServer(this);
    }
  }
}
