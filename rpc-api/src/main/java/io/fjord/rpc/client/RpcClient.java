package io.fjord.rpc.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.Deadline;
import io.fjord.rpc.DeadlineContext;
import io.fjord.rpc.DeadlineExceededException;
import io.fjord.rpc.DeliveryFailureException;
import io.fjord.rpc.MessagingException;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.RpcVersionCapException;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.Target;
import io.fjord.rpc.TooManyCallsInFlightException;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.Version;
import io.fjord.rpc.internal.Durations;
import io.fjord.rpc.internal.ReplyWaiter;
import io.fjord.rpc.internal.TransportCore;
import io.fjord.rpc.spi.SendOptions;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.WireDescription;
import io.fjord.rpc.wire.WireIds;
import io.fjord.rpc.wire.WireRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Sends RPC calls and casts to a {@link Target}, as oslo.messaging's {@code RPCClient}.
 *
 * <ul>
 *   <li>{@link #call}: sends a request and waits for its reply. At-most-once: the request is
 *       delivered to one server at most; the caller gets the result, the remote exception, or a
 *       {@link MessagingTimeoutException} within the timeout (default 60 s, as oslo) <b>always</b>,
 *       also while the broker is down or the connection is recovering. A lost reply connection fails
 *       the calls waiting on it at once with {@link io.fjord.rpc.ReplyPathLostException}.</li>
 *   <li>{@link #cast}: fire-and-forget; returns once the broker confirmed the message (publisher
 *       confirms, on by default in the AMQP driver). {@link #castAsync} returns a future completed
 *       on the confirm, so one thread can keep many casts in flight.</li>
 *   <li>Fanout casts reach every server of the topic; calls to a fanout target are rejected.</li>
 *   <li>{@link #callAll}: a scatter-gather call to every server of the topic, collecting each one's reply
 *       until the expected servers answered or the deadline.</li>
 *   <li>Deadline propagation: a call or cast made while an {@link io.fjord.rpc.server.RpcServer} serves a
 *       request gets the earlier of its own timeout and what is left of that request's deadline
 *       ({@link io.fjord.rpc.DeadlineContext}; {@link Builder#propagateDeadline} opts out), and then fails with
 *       {@link io.fjord.rpc.DeadlineExceededException}. Every call carries what is left of its deadline, so a
 *       Fjord server does not run a request whose caller has given up.</li>
 *   <li>With {@link Builder#maxInFlight}, a call beyond that many in flight to its target is not sent and fails
 *       at once with {@link TooManyCallsInFlightException}.</li>
 * </ul>
 *
 * <p>Remote exceptions arrive as {@link io.fjord.rpc.RemoteException}, unless the remote type was
 * allowed with {@link Builder#allowRemoteException}: then that Java type is thrown, built from the
 * remote message. No other class named by the wire is ever instantiated.
 *
 * <p>Immutable and thread-safe: share one client; {@link #prepare} returns a cheap re-targeted view.
 */
public final class RpcClient implements Invoker {
  /** oslo's {@code rpc_response_timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Transport transport;
  private final TransportCore core;
  private final Target target;
  /** The client's settings, every one resolved (the timeout always set); the target fields unused. */
  private final CallOptions options;
  /** {@link CallOptions#versionCap()} parsed once; null for none. */
  private final Version versionCap;
  private final Map<String, Class<? extends RuntimeException>> allowed;
  private final List<ClientInterceptor> interceptors;
  /** Whether calls and casts made while serving a request inherit its deadline ({@link DeadlineContext}). */
  private final boolean propagateDeadline;
  /** Calls in flight per target, shared with every {@link #prepare} view. */
  private final InFlightLimit inFlight;

  private RpcClient(Transport transport, Target target, CallOptions options,
                    Map<String, Class<? extends RuntimeException>> allowed, List<ClientInterceptor> interceptors,
                    boolean propagateDeadline, InFlightLimit inFlight) {
    this.transport = transport;
    this.inFlight = inFlight;
    this.propagateDeadline = propagateDeadline;
    this.core = transport.core();
    this.target = Objects.requireNonNull(target, "target");
    this.options = Objects.requireNonNull(options, "options");
    this.versionCap = options.versionCap() == null ? null : Version.parse(options.versionCap());
    this.allowed = allowed;
    this.interceptors = interceptors;
  }

  /** A client with default settings. */
  public static RpcClient create(Transport transport, Target target) {
    return builder(transport, target).build();
  }

  public static Builder builder(Transport transport, Target target) {
    return new Builder(transport, target);
  }

  /**
   * A view sending to {@code server} (null: any server of the topic) or, with {@code fanout}, to every
   * server of the topic: oslo's {@code prepare(server=..., fanout=...)}. {@link #toServer}, {@link #toAnyServer}
   * and {@link #toAllServers} say the same more plainly.
   */
  public RpcClient prepare(String server, boolean fanout) {
    return new RpcClient(transport, target.withServer(server).withFanout(fanout), options, allowed, interceptors,
        propagateDeadline, inFlight);
  }

  /** A view sending to server {@code server} of the topic only (its {@code <topic>.<server>} queue). */
  public RpcClient toServer(String server) {
    Objects.requireNonNull(server, "server");
    return prepare(server, false);
  }

  /** A view sending to any one server of the topic (not to a named one, not to all). */
  public RpcClient toAnyServer() {
    return prepare(null, false);
  }

  /** A view casting to every server of the topic (fanout); calls through it are rejected, use {@code cast}. */
  public RpcClient toAllServers() {
    return prepare(null, true);
  }

  /** A view with {@code options} overriding this client's target and settings. */
  public RpcClient prepare(CallOptions options) {
    Objects.requireNonNull(options, "options");
    return new RpcClient(transport, options.retarget(target), this.options.overriddenBy(options), allowed,
        interceptors, propagateDeadline, inFlight);
  }

  /**
   * A typed client: an implementation of {@code api}, an interface whose methods are RPC methods
   * (see {@link io.fjord.rpc.annotation.RpcApi}). Each method call is a {@link #call} (or
   * {@link #callAsync} when it returns {@code CompletableFuture<T>}, a {@link #cast} / {@link #castAsync}
   * with {@link io.fjord.rpc.annotation.Cast}) on this client, with the interface's topic and namespace,
   * the method's version ({@link io.fjord.rpc.annotation.Since}, else the interface's), its wire name
   * ({@link io.fjord.rpc.annotation.RpcMethod}, else the Java name) and keyword arguments named by
   * {@link io.fjord.rpc.annotation.Param} (else the Java parameter names). A leading
   * {@link RequestContext} parameter is the context (none: the empty context); a leading
   * {@link io.fjord.rpc.annotation.Server} {@code String} parameter picks the server per call. To
   * change other settings per proxy, proxy a {@link #prepare} view. {@code equals}/{@code hashCode} are
   * identity, {@code toString} names the interface and client, {@code default} methods run as written.
   *
   * <p>The interface is validated here, once. The proxy is thread-safe.
   *
   * @throws IllegalArgumentException naming the method and what is wrong, e.g. a {@code @Cast} method
   *     that returns a value
   */
  public <T> T proxy(Class<T> api) {
    return ApiProxy.create(this, Objects.requireNonNull(api, "api"), core.serializer());
  }

  public Target target() {
    return target;
  }

  public Duration timeout() {
    return options.timeout();
  }

  /** The version cap, or null for none. */
  public String versionCap() {
    return options.versionCap();
  }

  public Duration callMonitorTimeout() {
    return options.callMonitorTimeout();
  }

  /**
   * This client's settings (timeout, version cap, retry, call monitor timeout, mandatory, priority); target
   * fields unset.
   */
  public CallOptions options() {
    return options;
  }

  /**
   * Calls (including {@link #callAsync} and scatter-gather {@link #callAll}, counted under the topic's fanout) in
   * flight now from this client and its {@link #prepare} views to this view's target: sent, or being sent, and
   * not yet answered, failed or timed out. Counted against {@link Builder#maxInFlight}.
   */
  public int callsInFlight() {
    return inFlight.inFlight(target);
  }

  /** This client's limit of calls in flight per target ({@link Builder#maxInFlight}); {@code Integer.MAX_VALUE}: none. */
  public int maxInFlight() {
    return inFlight.max();
  }

  /**
   * True when a message of {@code version} may be sent under this client's version cap (always, with
   * no cap), as oslo's {@code can_send_version}: use it to fall back to an older message format.
   */
  public boolean canSendVersion(String version) {
    return versionCap == null || versionCap.canServe(Version.parse(version));
  }

  /** Calls {@code method} and converts the result to {@code type}. See the class doc for the guarantees. */
  public <T> T call(RequestContext context, String method, Map<String, ?> args, Class<T> type) {
    return call(context, method, args, core.serializer().typeFactory().constructType(type));
  }

  /** Calls {@code method} and converts the result to a generic type, e.g. {@code new TypeReference<List<Vm>>(){}}. */
  public <T> T call(RequestContext context, String method, Map<String, ?> args, TypeReference<T> type) {
    return call(context, method, args, core.serializer().typeFactory().constructType(type));
  }

  /** Calls {@code method} and converts the result to {@code type}. */
  public <T> T call(RequestContext context, String method, Map<String, ?> args, JavaType type) {
    return call(context, method, args, type, true);
  }

  public <T> CompletableFuture<T> callAsync(RequestContext context, String method, Map<String, ?> args, Class<T> type) {
    return callAsync(context, method, args, core.serializer().typeFactory().constructType(type));
  }

  public <T> CompletableFuture<T> callAsync(RequestContext context, String method, Map<String, ?> args,
                                            TypeReference<T> type) {
    return callAsync(context, method, args, core.serializer().typeFactory().constructType(type));
  }

  /**
   * Calls {@code method} without blocking. The future completes with the converted result, or
   * exceptionally with the same exceptions {@link #call} throws, within the timeout; it completes
   * on a Fjord callback thread, never on a driver thread. Invalid arguments (target, version cap,
   * unserializable args) throw at once.
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> callAsync(RequestContext context, String method, Map<String, ?> args, JavaType type) {
    Deadline deadline = deadline();
    if (!interceptors.isEmpty()) {
      return (CompletableFuture<T>) intercepted(new ClientInvocation(ClientInvocation.Kind.CALL, target, method, args,
          context, type, deadline)).thenApplyAsync(v -> v, callbacks());
    }
    CompletableFuture<JsonNode> reply = startCall(context, method, args, deadline);
    return reply.thenApplyAsync(node -> convert(node, method, type), callbacks());
  }

  /**
   * The deadline of an operation starting now: its own timeout's, or what is left of the request being served
   * when that comes first and this client propagates deadlines.
   */
  private Deadline deadline() {
    Deadline own = core.deadline(options.timeout());
    return propagateDeadline ? own.orInbound(DeadlineContext.current()) : own;
  }

  /**
   * Where asynchronous completions run: a callback thread, with the deadline of the request being served (if
   * any) current, so nested calls in a chain started while serving inherit it too.
   */
  private java.util.concurrent.Executor callbacks() {
    return DeadlineContext.with(DeadlineContext.current(), core.callbacks());
  }

  /**
   * {@code context} with the budget {@code deadline} leaves ({@link DeadlineContext#CONTEXT_KEY}); a smaller
   * budget already in the context (set by the caller or an interceptor) stays.
   */
  private RequestContext withBudget(RequestContext context, Deadline deadline) {
    if (!propagateDeadline) {
      return context; // opted out: the message is oslo's, byte for byte
    }
    long budget = DeadlineContext.budgetMillis(deadline);
    if (context.get(DeadlineContext.CONTEXT_KEY) instanceof Number n && n.longValue() <= budget) {
      return context;
    }
    return context.with(DeadlineContext.CONTEXT_KEY, budget);
  }

  /**
   * Asks a server of the topic (the one named by {@link #toServer}, else any one) for its
   * {@link ServiceDescription}: its endpoints' namespaces, versions, methods, argument names and JSON types,
   * as its access policy exposes them. Sent as the reserved method {@value ServiceDescription#METHOD} with the
   * empty context, no namespace and no version (so neither this client's namespace, version nor version cap
   * applies), through this client's interceptors, within its timeout. See docs/wire-format.md §9.
   *
   * @throws io.fjord.rpc.NoSuchRpcMethodException when the server does not answer introspection: a Fjord
   *     server built with {@code introspection(false)}, or an oslo.messaging (Python) server that has an
   *     endpoint in the default namespace at a 1.x version (e.g. {@code rpc_ping_enabled})
   * @throws io.fjord.rpc.UnsupportedRpcVersionException from an oslo.messaging server without such an endpoint
   * @throws MessagingTimeoutException when no server answered within the timeout
   * @throws io.fjord.rpc.wire.WireFormatException when the reply is not a description
   */
  public ServiceDescription describe() {
    return describe(RequestContext.empty());
  }

  /** {@link #describe()} with {@code context} as the request context (for servers whose interceptors want one). */
  public ServiceDescription describe(RequestContext context) {
    RpcClient plain = new RpcClient(transport, target.withNamespace(null).withVersion(null),
        options.withoutVersionCap(), allowed, interceptors, propagateDeadline, inFlight);
    return WireDescription.decode(plain.call(context, ServiceDescription.METHOD, Map.of(), JsonNode.class));
  }

  @SuppressWarnings("unchecked")
  private <T> T call(RequestContext context, String method, Map<String, ?> args, JavaType type, boolean sync) {
    Deadline deadline = deadline();
    if (!interceptors.isEmpty()) {
      return (T) await(intercepted(new ClientInvocation(ClientInvocation.Kind.CALL, target, method, args, context,
          type, deadline)));
    }
    return convert(await(startCall(context, method, args, deadline)), method, type);
  }

  /** Runs the interceptors; the innermost sends. Only used when there are interceptors. */
  private CompletableFuture<Object> intercepted(ClientInvocation invocation) {
    return new Chain(0).proceed(invocation);
  }

  /** The interceptors from {@code index} on, then the send. */
  private final class Chain implements ClientInterceptor.Chain {
    private final int index;

    Chain(int index) {
      this.index = index;
    }

    @Override
    public CompletableFuture<Object> proceed(ClientInvocation invocation) {
      Objects.requireNonNull(invocation, "invocation");
      if (index == interceptors.size()) {
        return send(invocation);
      }
      ClientInterceptor interceptor = interceptors.get(index);
      CompletableFuture<Object> result = interceptor.intercept(invocation, new Chain(index + 1));
      if (result == null) {
        throw new NullPointerException("ClientInterceptor " + interceptor + " returned null for " + invocation);
      }
      return result;
    }

    private CompletableFuture<Object> send(ClientInvocation inv) {
      // completions hop to a callback thread: interceptors' continuations never run on a driver thread
      if (inv.kind() == ClientInvocation.Kind.CALL) {
        return startCall(inv.context(), inv.method(), inv.args(), inv.deadline())
            .thenApplyAsync(node -> convert(node, inv.method(), inv.resultType()), callbacks());
      }
      if (inv.kind() == ClientInvocation.Kind.CALL_ALL) {
        return startGather(inv.context(), inv.method(), inv.args(), inv.deadline(), inv.expected())
            .thenApplyAsync(c -> gathered(c, inv.method(), inv.resultType(), inv.expected()), callbacks());
      }
      return startCast(inv.context(), inv.method(), inv.args(), inv.deadline())
          .thenApplyAsync(v -> null, callbacks());
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T convert(JsonNode node, String method, JavaType type) {
    try {
      return (T) core.serializer().fromJson(node, type);
    } catch (IllegalArgumentException e) {
      throw new MessagingException("The result of call '" + method + "' to " + target + " cannot be converted to "
          + type.toCanonical() + ": " + e.getMessage(), e);
    }
  }

  private CompletableFuture<JsonNode> startCall(RequestContext context, String method, Map<String, ?> args,
                                                Deadline deadline) {
    Objects.requireNonNull(method, "method");
    target.requireCallable(method);
    checkVersionCap(method);
    core.ensureOpen();
    JsonNode argTree = toArgs(method, args);
    String replyQueue = core.replyQueue();
    String msgId = WireIds.hex();
    byte[] body = OsloWire.encode(WireRequest.call(method, argTree, target.namespace(), target.version(), msgId,
        replyQueue, options.callMonitorTimeout(), withBudget(context == null ? RequestContext.empty() : context,
            deadline)));
    Runnable settled;
    try {
      settled = inFlight.acquire(target, method);
    } catch (TooManyCallsInFlightException e) {
      return CompletableFuture.failedFuture(e); // never sent, never waits
    }
    ReplyWaiter.Pending pending;
    try {
      pending = core.replies().register(msgId, target, method, deadline, options.callMonitorTimeout(), allowed);
    } catch (RuntimeException e) {
      settled.run();
      throw e;
    }
    pending.future.whenComplete((r, e) -> settled.run());
    publish(target, body, new SendOptions(deadline.timeout(), mandatory(), options.retry(), deadline, priority()),
        pending.future, method);
    return pending.future;
  }

  /** Publishes a call's request; a failure to send fails {@code waiting}, the future its caller waits on. */
  private void publish(Target to, byte[] body, SendOptions sendOptions, CompletableFuture<?> waiting, String method) {
    try {
      core.driver().send(to, body, sendOptions).whenComplete((ok, error) -> {
        if (error != null) {
          waiting.completeExceptionally(sendFailure("call", method, unwrap(error)));
        }
      });
    } catch (RuntimeException e) {
      waiting.completeExceptionally(sendFailure("call", method, e));
    }
  }

  // ------------------------------------------------------------------ scatter-gather

  /**
   * A scatter-gather call: sends {@code method} to every server of this client's topic (its fanout, whatever the
   * client's target names) and collects every reply until {@code expected} answered or the client's timeout (the
   * deadline), whichever comes first; it never waits longer. Each result is converted to {@code type}; a server's
   * failure is kept as its reply's failure, not thrown. Fjord servers name themselves in their replies
   * ({@link GatherResult#byServer}); oslo servers' replies are counted and kept unattributed
   * ({@link GatherResult#unattributed}). Replies after the call ended are dropped.
   *
   * <p>Every server that receives the request runs the method: use it for queries and idempotent commands.
   * No call-monitor heartbeats are asked for.
   *
   * @throws io.fjord.rpc.TransportException when the request cannot be sent
   */
  public <T> GatherResult<T> callAll(RequestContext context, String method, Map<String, ?> args, Class<T> type,
                                     Expected expected) {
    return await(callAllAsync(context, method, args, core.serializer().typeFactory().constructType(type), expected));
  }

  /** {@link #callAll(RequestContext, String, Map, Class, Expected)} converting each result to a generic type. */
  public <T> GatherResult<T> callAll(RequestContext context, String method, Map<String, ?> args, TypeReference<T> type,
                                     Expected expected) {
    return await(callAllAsync(context, method, args, core.serializer().typeFactory().constructType(type), expected));
  }

  /** {@link #callAll} without blocking: the future completes (on a callback thread) when the call ends. */
  public <T> CompletableFuture<GatherResult<T>> callAllAsync(RequestContext context, String method, Map<String, ?> args,
                                                            Class<T> type, Expected expected) {
    return callAllAsync(context, method, args, core.serializer().typeFactory().constructType(type), expected);
  }

  /** {@link #callAllAsync(RequestContext, String, Map, Class, Expected)} converting each result to {@code type}. */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<GatherResult<T>> callAllAsync(RequestContext context, String method, Map<String, ?> args,
                                                            JavaType type, Expected expected) {
    Objects.requireNonNull(expected, "expected");
    Deadline deadline = deadline();
    if (!interceptors.isEmpty()) {
      return (CompletableFuture<GatherResult<T>>) (CompletableFuture<?>) intercepted(new ClientInvocation(
          ClientInvocation.Kind.CALL_ALL, target, method, args, context, type, deadline, expected))
          .thenApplyAsync(v -> v, callbacks());
    }
    return startGather(context, method, args, deadline, expected)
        .thenApplyAsync(c -> gathered(c, method, type, expected), callbacks());
  }

  private CompletableFuture<ReplyWaiter.Collected> startGather(RequestContext context, String method,
                                                               Map<String, ?> args, Deadline deadline,
                                                               Expected expected) {
    Objects.requireNonNull(method, "method");
    checkVersionCap(method);
    core.ensureOpen();
    Target all = target.withServer(null).withFanout(true);
    JsonNode argTree = toArgs(method, args);
    String replyQueue = core.replyQueue();
    String msgId = WireIds.hex();
    RequestContext sent = withBudget(context == null ? RequestContext.empty() : context, deadline)
        .with(OsloWire.GATHER_KEY, true);
    byte[] body = OsloWire.encode(WireRequest.call(method, argTree, target.namespace(), target.version(), msgId,
        replyQueue, null, sent));
    Runnable settled;
    try {
      settled = inFlight.acquire(all, method);
    } catch (TooManyCallsInFlightException e) {
      return CompletableFuture.failedFuture(e);
    }
    ReplyWaiter.Gathering gathering;
    try {
      gathering = core.replies().registerGather(msgId, all, method, deadline, expected.servers(), expected.count(),
          allowed);
    } catch (RuntimeException e) {
      settled.run();
      throw e;
    }
    gathering.future.whenComplete((r, e) -> settled.run());
    publish(all, body, new SendOptions(deadline.timeout(), false, options.retry(), deadline, priority()),
        gathering.future, method);
    return gathering.future;
  }

  private <T> GatherResult<T> gathered(ReplyWaiter.Collected collected, String method, JavaType type,
                                       Expected expected) {
    return GatherResult.of(collected, expected, node -> convert(node, method, type));
  }


  /** The requests' priority: the options', else oslo's 0. */
  private int priority() {
    Integer p = options.priority();
    return p == null ? 0 : p;
  }

  private boolean mandatory() {
    return Boolean.TRUE.equals(options.mandatory());
  }

  /** Casts {@code method} and returns once the broker has the message (or throws within the timeout). */
  public void cast(RequestContext context, String method, Map<String, ?> args) {
    Deadline deadline = deadline();
    if (!interceptors.isEmpty()) {
      await(intercepted(new ClientInvocation(ClientInvocation.Kind.CAST, target, method, args, context, null,
          deadline)));
      return;
    }
    await(startCast(context, method, args, deadline));
  }

  /**
   * Casts {@code method} without blocking: the future completes when the broker confirmed the message,
   * or exceptionally within the client's timeout, on a Fjord callback thread.
   */
  public CompletableFuture<Void> castAsync(RequestContext context, String method, Map<String, ?> args) {
    Deadline deadline = deadline();
    if (!interceptors.isEmpty()) {
      return intercepted(new ClientInvocation(ClientInvocation.Kind.CAST, target, method, args, context, null,
          deadline)).thenApplyAsync(v -> null, callbacks());
    }
    return startCast(context, method, args, deadline).thenApplyAsync(v -> v, callbacks());
  }

  private CompletableFuture<Void> startCast(RequestContext context, String method, Map<String, ?> args,
                                            Deadline deadline) {
    Objects.requireNonNull(method, "method");
    target.requireCastable(method);
    checkVersionCap(method);
    core.ensureOpen();
    RequestContext sent = context == null ? RequestContext.empty() : context;
    byte[] body = OsloWire.encode(WireRequest.cast(method, toArgs(method, args), target.namespace(), target.version(),
        deadline.isPropagated() ? withBudget(sent, deadline) : sent));
    CompletableFuture<Void> result = new CompletableFuture<>();
    try {
      core.driver().send(target, body, new SendOptions(null, mandatory(), options.retry(), deadline, priority()))
          .whenComplete((ok, error) -> {
            if (error != null) {
              result.completeExceptionally(sendFailure("cast", method, unwrap(error)));
            } else {
              result.complete(null);
            }
          });
    } catch (RuntimeException e) {
      result.completeExceptionally(sendFailure("cast", method, e));
    }
    core.deadlines().failAt(result, deadline, () -> deadline.isPropagated()
        ? new DeadlineExceededException("The deadline of the request being served ran out ("
            + Durations.format(deadline.timeout()) + " were left of it) before the broker confirmed cast '" + method
            + "' to " + target, target, method, deadline.timeout(), null)
        : new MessagingTimeoutException("The broker did not confirm cast '" + method + "' to " + target + " within "
            + Durations.format(deadline.timeout()), target, method, deadline.timeout(), null));
    return result;
  }

  private void checkVersionCap(String method) {
    if (versionCap != null) {
      Version v = target.parsedVersion() == null ? Version.DEFAULT : target.parsedVersion();
      if (!versionCap.canServe(v)) {
        String requested = target.version() == null ? "1.0" : target.version();
        throw new RpcVersionCapException("Requested message version " + requested + " of '" + method + "' to "
            + target + " is above the version cap " + options.versionCap()
            + " (hint: check canSendVersion and send an older version)", requested, options.versionCap());
      }
    }
  }

  private JsonNode toArgs(String method, Map<String, ?> args) {
    if (args == null) {
      return core.serializer().toJson(Map.of());
    }
    JsonNode tree;
    try {
      tree = core.serializer().toJson(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Arguments of '" + method + "' to " + target + " cannot be serialized to JSON: "
          + e.getMessage(), e);
    }
    if (!tree.isObject()) {
      throw new IllegalArgumentException("Arguments of '" + method + "' must serialize to a JSON object, got " + tree.getNodeType());
    }
    return tree;
  }

  private MessagingException sendFailure(String kind, String method, Throwable error) {
    String what = "Could not send " + kind + " '" + method + "' to " + target + ": " + error.getMessage();
    if (error instanceof MessagingTimeoutException t) {
      return t;
    }
    if (error instanceof DeliveryFailureException) {
      return new DeliveryFailureException(what, error);
    }
    if (error instanceof TransportException) {
      return new TransportException(what, error);
    }
    if (error instanceof MessagingException m) {
      return m;
    }
    return new TransportException(what, error);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new MessagingException("Interrupted while waiting", e);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new MessagingException(cause.toString(), cause);
    }
  }

  @Override
  public String toString() {
    return "RpcClient{" + target + ", timeout=" + Durations.format(options.timeout())
        + (versionCap != null ? ", versionCap=" + options.versionCap() : "") + "}";
  }

  /** Builds an {@link RpcClient}; not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private final Target target;
    private final CallOptions.Builder options = CallOptions.builder().timeout(DEFAULT_TIMEOUT).mandatory(false)
        .priority(0);
    private final Map<String, Class<? extends RuntimeException>> allowed = new LinkedHashMap<>();
    private final List<ClientInterceptor> interceptors = new ArrayList<>();
    private boolean propagateDeadline = true;
    private int maxInFlight = InFlightLimit.UNLIMITED;

    private Builder(Transport transport, Target target) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.target = Objects.requireNonNull(target, "target");
    }

    /** Call timeout and request expiration; default 60 s. */
    public Builder timeout(Duration timeout) {
      options.timeout(timeout);
      return this;
    }

    /** Highest message version this client may send; checked before sending. */
    public Builder versionCap(String versionCap) {
      options.versionCap(versionCap);
      return this;
    }

    /** See {@link CallOptions.Builder#retry}. */
    public Builder retry(int retry) {
      options.retry(retry);
      return this;
    }

    /** See {@link CallOptions.Builder#callMonitorTimeout}. */
    public Builder callMonitorTimeout(Duration callMonitorTimeout) {
      options.callMonitorTimeout(callMonitorTimeout);
      return this;
    }

    /** See {@link CallOptions.Builder#mandatory}. */
    public Builder mandatory(boolean mandatory) {
      options.mandatory(mandatory);
      return this;
    }

    /** See {@link CallOptions.Builder#priority}: where it is honoured, and where it is a no-op. */
    public Builder priority(int priority) {
      options.priority(priority);
      return this;
    }

    /**
     * Rethrows remote errors of Java type {@code type} (wire identity: its package as module, its simple
     * name as class) as that type, built with its {@code (String message)} or no-arg constructor.
     */
    public Builder allowRemoteException(Class<? extends RuntimeException> type) {
      return allowRemoteException(type.getPackageName(), type.getSimpleName(), type);
    }

    /**
     * Rethrows remote errors whose wire identity is {@code module.className} (e.g. a Python
     * {@code nova.exception}, {@code InstanceNotFound}) as Java type {@code type}.
     */
    public Builder allowRemoteException(String module, String className, Class<? extends RuntimeException> type) {
      Objects.requireNonNull(type, "type");
      allowed.put(module == null || module.isEmpty() ? className : module + "." + className, type);
      return this;
    }

    /**
     * Adds an interceptor around every call and cast of the client and its {@link RpcClient#prepare}
     * views; interceptors run in the order added, the first outermost.
     */
    public Builder interceptor(ClientInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Whether this client takes part in deadline propagation (see {@link DeadlineContext}). Default true: a call or
     * cast made while an {@link io.fjord.rpc.server.RpcServer} serves a request (on its thread, or in a chain of this
     * client's futures started there) gets the earlier of this client's timeout and what is left of that request's
     * deadline, and every call tells the server what is left of its own deadline
     * ({@link DeadlineContext#CONTEXT_KEY}). False: always this client's own timeout, and requests exactly as oslo
     * sends them, without that context key.
     */
    public Builder propagateDeadline(boolean propagateDeadline) {
      this.propagateDeadline = propagateDeadline;
      return this;
    }

    /**
     * The most calls this client and its {@link RpcClient#prepare} views keep in flight to one target (overload
     * protection): a target is where a call is sent, its exchange, topic and server (or any server), and for
     * {@link RpcClient#callAll} the topic's fanout. A call beyond the limit ({@code call}, {@code callAsync},
     * {@code callAll}, typed proxies) is not sent and fails at once with
     * {@link io.fjord.rpc.TooManyCallsInFlightException}; it never waits for a free slot. A call is in flight
     * from when it is sent until its reply, failure or timeout. Casts are not limited: they are in flight only
     * until the broker confirms them, which the broker's own flow control already paces. Default: no limit.
     *
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public Builder maxInFlight(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1, got " + max);
      }
      this.maxInFlight = max;
      return this;
    }

    /** Builds the client; its {@link RpcClient#prepare} views share its calls-in-flight counts. */
    public RpcClient build() {
      transport.core().require(io.fjord.rpc.Capability.RPC, "RpcClient for " + target);
      return new RpcClient(transport, target, options.build(), Collections.unmodifiableMap(new LinkedHashMap<>(allowed)),
          List.copyOf(interceptors), propagateDeadline, new InFlightLimit(maxInFlight));
    }
  }
}
