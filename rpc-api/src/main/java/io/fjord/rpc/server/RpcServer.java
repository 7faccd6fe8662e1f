package io.fjord.rpc.server;

import io.fjord.rpc.MessageTooLargeException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.Version;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.internal.ConsumerLifecycle;
import io.fjord.rpc.internal.TransportCore;
import io.fjord.rpc.spi.IncomingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * most recently idle one first, and grows to 64 for blocking endpoints), except a method declared
 * {@link io.fjord.rpc.annotation.NonBlocking}, which runs on the driver's delivery thread without a hand-off.
 * A call gets exactly one final reply; while the method runs and the caller asked
 * for a call-monitor, heartbeats go out every half of that timeout and stop when the method ends.
 * A message that cannot be decoded is rejected without requeue; an unknown method, a bad argument
 * or an oversized message gets a typed failure reply when it carries a reply address; either way
 * the server keeps serving. Requests whose {@code _unique_id} is among the last 16 seen are dropped
 * as duplicates. A request carrying a deadline (a Fjord caller's, {@link io.fjord.rpc.DeadlineContext}) runs with
 * it as {@code DeadlineContext.current()}, so calls the endpoint makes inherit it; one whose deadline passed
 * before it could run is not run ({@link #expiredRequests()}). Unless {@link Builder#introspection(boolean) switched off}, the server answers the reserved
 * method {@value io.fjord.rpc.ServiceDescription#METHOD} with a description of its endpoints.
 *
 * <p>Overload protection: at most {@link Builder#maxInProgress} requests run at once (default: the executor's
 * size, 64 for the default pool); beyond that, deliveries wait unacknowledged for a slot, bounded by the driver's
 * prefetch, and the broker keeps the rest queued (backpressure: a caller just waits longer). A request whose
 * deadline passed before it could run, also while it waited for a slot, is shed: a call gets
 * {@link io.fjord.rpc.DeadlineExceededException}, a cast is dropped, both counted in {@link #expiredRequests()}.
 * {@link #inProgress()}, {@link #waiting()} and {@link #expiredRequests()} are the numbers to watch.
 *
 * <p>Lifecycle: {@link #start()}, {@link #stop()} (stop consuming), {@link #awaitTermination(Duration)}
 * (wait for running requests), {@link #close()} (all three, bounded, idempotent). Methods are
 * thread-safe. Endpoint code runs on executor threads, never on the driver's threads, unless it is declared
 * {@link io.fjord.rpc.annotation.NonBlocking}.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  /**
   * The SLF4J MDC key holding the id of the request being processed, on the server's threads while a
   * request is dispatched (interceptors, endpoint, Fjord's own log lines): the context's
   * {@code request_id}, else the message's {@code _msg_id} (a call) or {@code _unique_id} (a cast).
   * Add {@code %X{request_id}} to a log pattern to see it.
   */
  public static final String MDC_REQUEST_ID = RequestProcessor.MDC_REQUEST_ID;

  /** Reply queue names a server answers to by default: oslo's and Fjord's {@code reply_<hex>}. */
  public static final java.util.regex.Pattern DEFAULT_REPLY_QUEUE_PATTERN = java.util.regex.Pattern.compile("reply_.+");

  /** Default {@link Builder#maxInProgress} with the default executor: its 64 threads. */
  public static final int DEFAULT_MAX_IN_PROGRESS = 64;

  /** Default largest request size processed. */
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 16L * 1024 * 1024;

  private final TransportCore core;
  private final Target target;
  private final RequestProcessor processor;
  private final ConsumerLifecycle lifecycle;
  private final InProgressLimit limit;

  private RpcServer(Builder b) {
    this.core = b.transport.core();
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
    Endpoint describer = b.introspection ? Endpoint.of(Introspection.describer(target, endpoints,
        core.serializer().typeFactory()), null, Version.DEFAULT, AccessPolicy.DEFAULT, core.serializer()) : null;
    this.processor = new RequestProcessor(core, target, new Dispatcher(endpoints, describer), b.maxMessageSize,
        b.replyQueuePattern, List.copyOf(b.interceptors));
    this.lifecycle = new ConsumerLifecycle("RpcServer for " + target, core, this, b.executor,
        "fjord-rpc-" + target.topic());
    int max = b.maxInProgress > 0 ? b.maxInProgress
        : b.executor == null ? DEFAULT_MAX_IN_PROGRESS : defaultMaxInProgress(b.executor);
    this.limit = new InProgressLimit(max, lifecycle::handOff);
  }

  /**
   * The limit for a user's executor: a {@link java.util.concurrent.ThreadPoolExecutor}'s threads (its core
   * size when its queue is unbounded, as then it never grows beyond that; else its maximum size), a
   * {@link java.util.concurrent.ForkJoinPool}'s parallelism; any other executor (virtual threads, a
   * direct executor) is unlimited, as Fjord cannot tell how much it can run.
   */
  static int defaultMaxInProgress(Executor executor) {
    if (executor instanceof java.util.concurrent.ThreadPoolExecutor tpe) {
      int threads = tpe.getQueue().remainingCapacity() == Integer.MAX_VALUE ? tpe.getCorePoolSize()
          : tpe.getMaximumPoolSize();
      return threads <= 0 || threads == Integer.MAX_VALUE ? InProgressLimit.UNLIMITED : threads;
    }
    if (executor instanceof java.util.concurrent.ForkJoinPool fjp) {
      return fjp.getParallelism();
    }
    return InProgressLimit.UNLIMITED;
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
   * Stops consuming new requests; requests already running still run and reply, and requests received but
   * still waiting for a slot ({@link Builder#maxInProgress}), never acknowledged, go back to their queues for
   * another server. Idempotent; a server never started just moves to stopped.
   */
  public void stop() {
    if (lifecycle.stop()) {
      returnWaiting();
    }
  }

  /** Returns the deliveries waiting for a slot to their queues: unacknowledged, nothing was promised for them. */
  private void returnWaiting() {
    for (IncomingMessage m : limit.drainWaiting()) {
      m.reject(true);
      lifecycle.done();
    }
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
    lifecycle.close(this::returnWaiting);
  }

  /**
   * Requests this server did not run because the deadline they carried had passed when it got to them
   * (deadline propagation, {@link io.fjord.rpc.DeadlineContext}): calls answered with
   * {@link io.fjord.rpc.DeadlineExceededException}, casts dropped.
   */
  public long expiredRequests() {
    return processor.expired();
  }

  /**
   * Requests running now (counted against {@link Builder#maxInProgress}): from when a slot is taken until the
   * reply is sent, for a method returning a {@code CompletionStage} until that completes. Methods declared
   * {@link io.fjord.rpc.annotation.NonBlocking} run on the delivery thread and are not counted.
   */
  public int inProgress() {
    return limit.inProgress();
  }

  /**
   * Requests received and waiting for a free slot ({@link Builder#maxInProgress}): not acknowledged, not started.
   * At most the driver's prefetch per queue (RabbitMQ: {@code rabbit_qos_prefetch_count}, default 64).
   */
  public int waiting() {
    return limit.waiting();
  }

  /** The most requests this server runs at once ({@link Builder#maxInProgress}); {@code Integer.MAX_VALUE}: no limit. */
  public int maxInProgress() {
    return limit.max();
  }

  private void onMessage(IncomingMessage message) {
    long received = core.clock().nanoTime();
    if (!processor.hasNonBlocking()) {
      if (lifecycle.admit(message)) {
        Runnable release = limit.releaseOnce();
        limit.submit(message, () -> runAndSettle(release, () -> processor.process(message, received, release)));
      }
      return;
    }
    // decoded here, on the delivery thread, to learn whether the method is non-blocking
    if (!lifecycle.admit(message)) {
      return;
    }
    boolean handedOff = false;
    try {
      RequestProcessor.Decoded decoded = processor.decode(message, received);
      if (decoded == null) {
        return;
      }
      if (decoded.nonBlocking()) {
        processor.run(decoded, () -> { });
        return;
      }
      handedOff = true;
      Runnable release = limit.releaseOnce();
      limit.submit(message, () -> runAndSettle(release, () -> processor.run(decoded, release)));
    } catch (RuntimeException | Error e) {
      log.error("Unexpected error processing a request on {}", target, e);
    } finally {
      if (!handedOff) {
        lifecycle.done();
      }
    }
  }

  /** Runs {@code processing}, which calls {@code release} when the request is over; releases on a failure. */
  private void runAndSettle(Runnable release, Runnable processing) {
    try {
      processing.run();
    } catch (RuntimeException | Error e) {
      release.run();
      log.error("Unexpected error processing a request on {}", target, e);
    } finally {
      lifecycle.done();
    }
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
    private boolean introspection = true;
    private java.util.regex.Pattern replyQueuePattern = DEFAULT_REPLY_QUEUE_PATTERN;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    /** 0: from the executor. */
    private int maxInProgress;

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

    /**
     * The most requests this server runs at once (overload protection). A request that finds every slot taken
     * waits, unacknowledged and not started, until one frees; as waiting requests are unacknowledged, the
     * driver's prefetch bounds them (RabbitMQ: {@code rabbit_qos_prefetch_count}, 64 per queue by default) and
     * the broker keeps the rest queued, for this server later or another server of the topic: backpressure,
     * nothing refused and nothing lost. A request whose deadline ({@link io.fjord.rpc.DeadlineContext}) passes
     * while it waits is not run (counted in {@link RpcServer#expiredRequests()}). A slot is held until the reply
     * is sent (for a method returning a {@code CompletionStage}, until that completes); methods declared
     * {@link io.fjord.rpc.annotation.NonBlocking} run on the delivery thread and take none.
     *
     * <p>Default: the executor's size: {@value RpcServer#DEFAULT_MAX_IN_PROGRESS} with the default executor;
     * a {@code ThreadPoolExecutor}'s threads (its core size when its queue is unbounded, else its maximum
     * size); a {@code ForkJoinPool}'s parallelism; unlimited for any other executor (e.g. virtual threads).
     *
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public Builder maxInProgress(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxInProgress must be at least 1, got " + max);
      }
      this.maxInProgress = max;
      return this;
    }

    /** Which methods may be called: {@link AccessPolicy#DEFAULT} unless set. */
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
     * Whether the server answers {@value io.fjord.rpc.ServiceDescription#METHOD} with a description of its
     * endpoints: namespaces, versions, methods, argument names and JSON types, as the access policy exposes
     * them (docs/wire-format.md §9; {@code RpcClient.describe()}, {@code fjord describe}). It is handled before
     * namespace and version matching and needs no endpoint. Default on; off, {@code fjord.describe} gets a
     * {@link io.fjord.rpc.NoSuchRpcMethodException} like any unknown method.
     */
    public Builder introspection(boolean introspection) {
      this.introspection = introspection;
      return this;
    }

    /**
     * Validates the endpoints and builds a server that is not started yet.
     *
     * @throws IllegalArgumentException naming the endpoint and method when an endpoint cannot be exposed,
     *     e.g. two methods with one wire name, or a wire name starting with {@code fjord.} (reserved)
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
