package io.fjord.rpc.client;

import com.fasterxml.jackson.databind.JavaType;
import io.fjord.rpc.Deadline;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import java.util.Map;
import java.util.Objects;

/**
 * One call or cast as a {@link ClientInterceptor} sees it: what is sent where, with which context.
 * Immutable and thread-safe; {@link #withContext} and {@link #withArgs} return changed copies to pass
 * to {@link ClientInterceptor.Chain#proceed}.
 */
public final class ClientInvocation {
  /**
   * Whether a reply is awaited: {@code CALL} one, {@code CAST} none, {@code CALL_ALL} one from every server of
   * the topic (a scatter-gather call, {@link RpcClient#callAll}; its future completes with a
   * {@link GatherResult}).
   */
  public enum Kind { CALL, CAST, CALL_ALL }

  private final Kind kind;
  private final Target target;
  private final String method;
  private final Map<String, ?> args;
  private final RequestContext context;
  private final JavaType resultType;
  private final Deadline deadline;
  private final Expected expected;

  ClientInvocation(Kind kind, Target target, String method, Map<String, ?> args, RequestContext context,
                   JavaType resultType, Deadline deadline) {
    this(kind, target, method, args, context, resultType, deadline, null);
  }

  ClientInvocation(Kind kind, Target target, String method, Map<String, ?> args, RequestContext context,
                   JavaType resultType, Deadline deadline, Expected expected) {
    this.kind = kind;
    this.target = target;
    this.method = Objects.requireNonNull(method, "method");
    this.args = args == null ? Map.of() : args;
    this.context = context == null ? RequestContext.empty() : context;
    this.resultType = resultType;
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.expected = expected;
  }

  /** What a {@code CALL_ALL} waits for; null for the other kinds. */
  public Expected expected() {
    return expected;
  }

  public Kind kind() {
    return kind;
  }

  /** Where the message goes (topic, server, namespace, version, fanout). */
  public Target target() {
    return target;
  }

  /** The remote method's name. */
  public String method() {
    return method;
  }

  /** The keyword arguments, as the caller passed them (not copied: do not modify). */
  public Map<String, ?> args() {
    return args;
  }

  /** The request context sent with the message (never null). */
  public RequestContext context() {
    return context;
  }

  /** The Java type the result of a call (each result of a {@code CALL_ALL}) is converted to; null for a cast. */
  public JavaType resultType() {
    return resultType;
  }

  /**
   * When the call must be answered (or the cast confirmed): made once from the client's timeout when the
   * operation started; the time interceptors spend counts against it.
   */
  public Deadline deadline() {
    return deadline;
  }

  /** A copy sending {@code context} instead (e.g. with a key added). */
  public ClientInvocation withContext(RequestContext context) {
    return new ClientInvocation(kind, target, method, args, Objects.requireNonNull(context, "context"), resultType, deadline,
        expected);
  }

  /** A copy sending {@code args} instead. */
  public ClientInvocation withArgs(Map<String, ?> args) {
    return new ClientInvocation(kind, target, method, Objects.requireNonNull(args, "args"), context, resultType, deadline,
        expected);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + method + "' to " + target;
  }
}
