package io.fjord.rpc.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import java.util.Objects;

/**
 * One received request as a {@link ServerInterceptor} sees it. Immutable and thread-safe;
 * {@link #withContext} returns a copy whose context the endpoint then receives.
 */
public final class ServerInvocation {
  private final Target target;
  private final String method;
  private final String namespace;
  private final String version;
  private final JsonNode args;
  private final RequestContext context;
  private final boolean call;

  ServerInvocation(Target target, String method, String namespace, String version, JsonNode args,
                   RequestContext context, boolean call) {
    this.target = target;
    this.method = method;
    this.namespace = namespace;
    this.version = version;
    this.args = args;
    this.context = context;
    this.call = call;
  }

  /** The server's target (topic and server). */
  public Target target() {
    return target;
  }

  /** The requested method (null when the request named none). */
  public String method() {
    return method;
  }

  /** The requested namespace, or null. */
  public String namespace() {
    return namespace;
  }

  /** The requested version, or null (1.0). */
  public String version() {
    return version;
  }

  /** The keyword arguments as received (a JSON object, or null); read-only. */
  public JsonNode args() {
    return args;
  }

  /** The request context, with {@code client_timeout} as oslo servers add it. */
  public RequestContext context() {
    return context;
  }

  /** True for a call (the caller waits for the result), false for a cast. */
  public boolean isCall() {
    return call;
  }

  /** A copy whose context the endpoint receives instead. */
  public ServerInvocation withContext(RequestContext context) {
    return new ServerInvocation(target, method, namespace, version, args, Objects.requireNonNull(context, "context"),
        call);
  }

  @Override
  public String toString() {
    return (call ? "call" : "cast") + " '" + method + "' on " + target;
  }
}
