package io.fjord.rpc.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.Deadline;
import io.fjord.rpc.DeadlineContext;
import io.fjord.rpc.DeadlineExceededException;
import io.fjord.rpc.MessageTooLargeException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.internal.RecentIds;
import io.fjord.rpc.internal.TransportCore;
import io.fjord.rpc.spi.IncomingMessage;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.RemoteFailures;
import io.fjord.rpc.wire.WireFormatException;
import io.fjord.rpc.wire.WireJson;
import io.fjord.rpc.wire.WireReply;
import io.fjord.rpc.wire.WireRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What an {@link RpcServer} does with one delivered request, on an executor thread: decode it, drop
 * duplicates and requests with a foreign reply address, run the interceptors and the selected endpoint
 * method, keep the caller's call monitor fed with heartbeats while it runs, and send exactly one final
 * reply to a call (docs/wire-format.md §3, §4). Thread-safe; holds no per-request state.
 */
final class RequestProcessor {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
  private static final int DUPLICATE_WINDOW = 16;

  /** The MDC key of the request being processed (see {@link RpcServer#MDC_REQUEST_ID}). */
  static final String MDC_REQUEST_ID = "request_id";

  private final TransportCore core;
  private final Target target;
  private final Dispatcher dispatcher;
  private final long maxMessageSize;
  private final Pattern replyQueuePattern;
  private final List<ServerInterceptor> interceptors;
  private final RecentIds recentIds = new RecentIds(DUPLICATE_WINDOW);
  private final java.util.concurrent.atomic.LongAdder expired = new java.util.concurrent.atomic.LongAdder();
  /** Whether any endpoint method is non-blocking (else no request is looked up before its hand-off). */
  private final boolean nonBlocking;

  RequestProcessor(TransportCore core, Target target, Dispatcher dispatcher, long maxMessageSize,
                   Pattern replyQueuePattern, List<ServerInterceptor> interceptors) {
    this.core = core;
    this.target = target;
    this.dispatcher = dispatcher;
    this.maxMessageSize = maxMessageSize;
    this.replyQueuePattern = replyQueuePattern;
    this.interceptors = interceptors;
    this.nonBlocking = dispatcher.hasNonBlocking();
  }

  /** Whether some request may run on the delivery thread (an endpoint method is non-blocking). */
  boolean hasNonBlocking() {
    return nonBlocking;
  }

  /**
   * Processes one delivery, received at {@code receivedNanos} on the transport's clock: settles it, dispatches
   * it, replies. Never throws for a bad message. {@code finished} runs once the request is over: when this
   * returns, or for a method returning a {@link CompletionStage}, when that completes.
   */
  void process(IncomingMessage message, long receivedNanos, Runnable finished) {
    Decoded decoded;
    try {
      decoded = decode(message, receivedNanos);
    } catch (RuntimeException | Error e) {
      finished.run();
      throw e;
    }
    if (decoded == null) {
      finished.run();
    } else {
      run(decoded, finished);
    }
  }

  /**
   * A request decoded and not yet acknowledged.
   *
   * @param nonBlocking whether the method it selects is {@link io.fjord.rpc.annotation.NonBlocking}
   * @param receivedNanos when the server received it, on the transport's clock (its deadline counts from then)
   */
  record Decoded(IncomingMessage message, WireRequest request, boolean nonBlocking, long receivedNanos) {
  }

  /**
   * The first half of {@link #process}: decodes a delivery, or settles it (an undecodable request is
   * rejected, an oversized one answered) and returns null. Leaves a decoded delivery unacknowledged, so
   * that it can still go back to its queue when no thread takes it.
   */
  Decoded decode(IncomingMessage message, long receivedNanos) {
    if (message.body().length > maxMessageSize) {
      rejectOversized(message);
      return null;
    }
    WireRequest request;
    try {
      request = OsloWire.decodeRequest(message.body());
    } catch (WireFormatException e) {
      log.warn("Rejecting undecodable request from {} on {} ({} bytes): {}", message.source(), target,
          message.body().length, e.getMessage());
      message.reject(false);
      return null;
    }
    return new Decoded(message, request,
        nonBlocking && dispatcher.isNonBlocking(request.method(), request.namespace(), request.version()),
        receivedNanos);
  }

  /**
   * The second half of {@link #process}: acknowledges the delivery, dispatches it, replies; {@code finished} as
   * for {@link #process}.
   */
  void run(Decoded decoded, Runnable finished) {
    decoded.message().ack();
    WireRequest request = decoded.request();
    String previousId = MDC.get(MDC_REQUEST_ID);
    restoreMdc(request.logId());
    try {
      process(request, decoded.receivedNanos(), finished);
    } finally {
      restoreMdc(previousId);
    }
  }

  /** Sets the MDC request id to {@code previous}, removing it for null. */
  private static void restoreMdc(String previous) {
    if (previous == null) {
      MDC.remove(MDC_REQUEST_ID);
    } else {
      MDC.put(MDC_REQUEST_ID, previous);
    }
  }

  /** Requests not run because their deadline had passed (calls answered with DeadlineExceeded, casts dropped). */
  long expired() {
    return expired.sum();
  }

  /**
   * The deadline a request carries ({@link DeadlineContext#CONTEXT_KEY}: milliseconds left when it was sent),
   * counted from when this server received it; null when it carries none (an oslo caller's).
   */
  private Deadline inboundDeadline(WireRequest request, long receivedNanos) {
    Object budget = request.context().get(DeadlineContext.CONTEXT_KEY);
    if (budget == null) {
      return null;
    }
    long millis;
    if (budget instanceof Number n) {
      millis = n.longValue();
    } else {
      try {
        millis = Long.parseLong(String.valueOf(budget).trim());
      } catch (NumberFormatException e) {
        log.debug("Ignoring a request deadline that is not a number of milliseconds: {}", budget);
        return null;
      }
    }
    long left = Math.max(0, millis) * 1_000_000L - (core.clock().nanoTime() - receivedNanos);
    return Deadline.after(Duration.ofNanos(Math.max(0, left)), core.clock());
  }

  /** A request whose deadline passed before it could run: a call is answered with DeadlineExceeded, a cast dropped. */
  private void refuseExpired(WireRequest request, String replyAs) {
    expired.increment();
    Object budget = request.context().get(DeadlineContext.CONTEXT_KEY);
    if (request.wantsReply()) {
      log.debug("Not running call '{}' on {}: its deadline ({} ms when sent) passed before it could run",
          request.method(), target, budget);
      reply(request.replyQueue(), request.msgId(), null, new DeadlineExceededException("Call '" + request.method()
          + "' to " + target + " was not run: its deadline (" + budget + " ms when sent) passed before the server "
          + "could run it", target, request.method(), null, request.msgId()), replyAs);
    } else {
      log.debug("Dropping cast '{}' on {}: its deadline ({} ms when sent) passed before it could run",
          request.method(), target, budget);
    }
  }

  /** Dispatches and replies; runs {@code finished} when done, or hands it to the stage a method returned. */
  private void process(WireRequest request, long receivedNanos, Runnable finished) {
    boolean async = false;
    try {
      async = dispatch(request, receivedNanos, finished);
    } finally {
      if (!async) {
        finished.run();
      }
    }
  }

  /** Returns true when the method returned a stage that now owns {@code finished}. */
  private boolean dispatch(WireRequest request, long receivedNanos, Runnable finished) {
    String method = request.method();
    boolean wantsReply = request.wantsReply();
    if (request.uniqueId() != null && recentIds.checkAndAdd(request.uniqueId())) {
      log.debug("Dropping duplicate request {} ('{}') on {}", request.uniqueId(), method, target);
      return false;
    }
    if (wantsReply && !replyQueuePattern.matcher(request.replyQueue()).matches()) {
      log.warn("Refusing request '{}' on {}: its reply queue '{}' is not a reply queue name (pattern {}); "
          + "a reply there could land in another service's queue", method, target, request.replyQueue(),
          replyQueuePattern);
      return false;
    }

    // a scatter-gather call: the reply names this server
    String replyAs = wantsReply && request.context().containsKey(OsloWire.GATHER_KEY) ? target.server() : null;
    Deadline inbound = inboundDeadline(request, receivedNanos);
    if (inbound != null && inbound.isExpired()) {
      refuseExpired(request, replyAs);
      return false;
    }
    // oslo servers add the caller's call monitor timeout to the context; the deadline is DeadlineContext's
    RequestContext context = request.context().without(DeadlineContext.CONTEXT_KEY).without(OsloWire.GATHER_KEY)
        .with("client_timeout",
        request.timeout() == null ? null : WireJson.plain(request.timeout()));
    ScheduledFuture<?> heartbeat = wantsReply ? startHeartbeat(request) : null;

    EndpointMethod selected = null;
    try (DeadlineContext.Scope ignored = DeadlineContext.open(inbound)) {
      if (method == null) {
        throw new RpcArgumentException("Request to " + target + " has no 'method'");
      }
      Object result;
      if (interceptors.isEmpty()) {
        Dispatcher.Selection s = dispatcher.select(method, request.namespace(), request.version());
        selected = s.method();
        result = s.method().invoke(s.endpoint().instance, context, request.args(), core.serializer(),
            target.server());
      } else {
        EndpointMethod[] chosen = new EndpointMethod[1];
        try {
          result = new Chain(0, chosen).proceed(new ServerInvocation(target, method, request.namespace(),
              request.version(), request.args(), context, wantsReply));
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
            finish(request, sel, heartbeat, r, e == null ? null : unwrapCompletion(e), replyAs);
          } finally {
            restoreMdc(previous);
            finished.run();
          }
        });
        return true;
      }
      finish(request, selected, heartbeat, result, null, replyAs);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) {
        throw (VirtualMachineError) t;
      }
      finish(request, selected, heartbeat, null, t, replyAs);
    }
    return false;
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
    WireRequest.Addressing peek;
    try {
      peek = OsloWire.peekRequest(message.body());
    } catch (WireFormatException e) {
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
    if (peek.wantsReply() && replyQueuePattern.matcher(peek.replyQueue()).matches()) {
      reply(peek.replyQueue(), peek.msgId(), null, tooLarge, null);
    }
  }

  private static Throwable unwrapCompletion(Throwable e) {
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private void finish(WireRequest request, EndpointMethod selected, ScheduledFuture<?> heartbeat, Object result,
                      Throwable error, String replyAs) {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (error != null) {
      logFailure(request.method(), selected, error, request.wantsReply());
    }
    if (request.wantsReply()) {
      reply(request.replyQueue(), request.msgId(), result, error, replyAs);
    }
  }

  private void logFailure(String method, EndpointMethod selected, Throwable error, boolean wantsReply) {
    String kind = wantsReply ? "call" : "cast";
    if (selected != null && selected.isExpected(error)) {
      log.debug("Expected exception from {} '{}' on {}: {}", kind, method, target, error.toString());
    } else if (error instanceof RemoteException || error instanceof RpcArgumentException
        || error instanceof MessageTooLargeException || error instanceof DeadlineExceededException) {
      log.warn("Rejected {} '{}' on {}: {}", kind, method, target, error.getMessage());
    } else {
      log.error("Exception during {} '{}' on {}", kind, method, target, error);
    }
  }

  /** Sends a call's final reply; {@code replyAs}: this server's name, in a reply to a scatter-gather call. */
  private void reply(String replyQueue, String msgId, Object result, Throwable error, String replyAs) {
    WireReply reply;
    if (error == null) {
      JsonNode tree;
      try {
        tree = core.serializer().toJson(result);
      } catch (IllegalArgumentException e) {
        log.error("Result of a call on {} cannot be serialized", target, e);
        send(replyQueue, WireReply.failure(msgId, RemoteFailures.encode(e)).from(replyAs));
        return;
      }
      reply = WireReply.result(msgId, tree);
    } else {
      reply = WireReply.failure(msgId, RemoteFailures.encode(error));
    }
    send(replyQueue, replyAs == null ? reply : reply.from(replyAs));
  }

  private void send(String replyQueue, WireReply reply) {
    try {
      core.driver().sendReply(replyQueue, OsloWire.encode(reply)).whenComplete((ok, e) -> {
        if (e != null) {
          log.warn("Could not deliver a reply to {} from {}: {}", replyQueue, target, e.getMessage());
        }
      });
    } catch (RuntimeException e) {
      log.warn("Could not deliver a reply to {} from {}: {}", replyQueue, target, e.getMessage());
    }
  }

  /** oslo's watchdog: a heartbeat every int(_timeout)/2 seconds, none when that is below 1 s. */
  private ScheduledFuture<?> startHeartbeat(WireRequest request) {
    JsonNode raw = request.timeout();
    if (raw == null || raw.isNull()) {
      return null;
    }
    Long seconds = request.timeoutSeconds();
    if (seconds == null) {
      log.warn("Client provided an invalid call monitor timeout '{}' on {}; sending no heartbeats", raw, target);
      return null;
    }
    long intervalMillis = seconds * 1000 / 2;
    if (intervalMillis < 1000) {
      log.warn("Client provided an invalid call monitor timeout {} on {}; sending no heartbeats", seconds, target);
      return null;
    }
    String replyQueue = request.replyQueue();
    String msgId = request.msgId();
    return core.timer().scheduleAtFixedRate(() -> send(replyQueue, WireReply.heartbeat(msgId)), intervalMillis,
        intervalMillis, TimeUnit.MILLISECONDS);
  }
}
