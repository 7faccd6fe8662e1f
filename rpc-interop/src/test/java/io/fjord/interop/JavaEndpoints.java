package io.fjord.interop;

import io.fjord.rpc.RemoteIdentity;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.annotation.ExpectedExceptions;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.annotation.RpcMethod;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java twins of the endpoints in {@code oslo/rpc_server.py}: same namespaces, versions, method
 * names and behaviour, so one scenario runs against either side; {@code boom_value_error} is extra
 * (a Java exception sent as Python's {@code builtins.ValueError}).
 */
final class JavaEndpoints {
  private JavaEndpoints() {
  }

  /** oslo's datetime format on the wire: {@code to_primitive} writes {@code '%Y-%m-%dT%H:%M:%S.%f'}. */
  static final DateTimeFormatter OSLO_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

  /** One call of the servers' {@code record} method, for observing casts. */
  record Invocation(String server, String tag, RequestContext context) {
  }

  /** A service's own exception, sent as Python's {@code fjord_interop_exc.InteropError(message, code=...)}. */
  static final class InteropException extends RuntimeException implements RemoteIdentity {
    private final int code;

    InteropException(String message, int code) {
      super(message);
      this.code = code;
    }

    @Override
    public String remoteModule() {
      return "fjord_interop_exc";
    }

    @Override
    public String remoteClass() {
      return "InteropError";
    }

    @Override
    public Map<String, Object> remoteKwargs() {
      return Map.of("code", code);
    }
  }

  /** What a Java client may map {@code fjord_interop_exc.InteropError} to with allowRemoteException. */
  public static final class LocalInteropException extends RuntimeException {
    public LocalInteropException(String message) {
      super(message);
    }
  }

  /** A Java exception that a Python caller receives as its own builtin {@code ValueError}. */
  static final class PythonValueError extends IllegalArgumentException implements RemoteIdentity {
    PythonValueError(String message) {
      super(message);
    }

    @Override
    public String remoteModule() {
      return "builtins";
    }

    @Override
    public String remoteClass() {
      return "ValueError";
    }
  }

  @RpcEndpoint(namespace = "interop", version = "1.3")
  public static final class InteropV1 {
    private final String server;
    private final Inbox<Invocation> recorder;

    InteropV1(String server, Inbox<Invocation> recorder) {
      this.server = server;
      this.recorder = recorder;
    }

    public Map<String, Object> echo(Object value) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("you_sent", value);
      out.put("types", javaTypes(value));
      out.put("server", server);
      return out;
    }

    public String whoami() {
      return server;
    }

    public long add(long a, long b) {
      return a + b;
    }

    public Map<String, Object> context(RequestContext ctx) {
      Map<String, Object> typed = new LinkedHashMap<>();
      typed.put("request_id", ctx.requestId());
      typed.put("user_id", ctx.userId());
      typed.put("project_id", ctx.projectId());
      typed.put("roles", ctx.roles());
      typed.put("is_admin", ctx.isAdmin());
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ctxt", ctx.asMap());
      out.put("typed", typed);
      return out;
    }

    public void record(RequestContext ctx, String tag) {
      recorder.add(new Invocation(server, tag, ctx));
    }

    @RpcMethod("boom_builtin")
    @ExpectedExceptions(IllegalArgumentException.class)
    public void boomBuiltin(String message) {
      throw new IllegalArgumentException(message);
    }

    @RpcMethod("boom_custom")
    @ExpectedExceptions(InteropException.class)
    public void boomCustom(String message, int code) {
      throw new InteropException(message, code);
    }

    @RpcMethod("boom_value_error")
    @ExpectedExceptions(IllegalArgumentException.class)
    public void boomValueError(String message) {
      throw new PythonValueError(message);
    }

    public String slow(double seconds) throws InterruptedException {
      Thread.sleep((long) (seconds * 1000));
      return "slept " + (seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds));
    }

    @RpcMethod("parse_datetime")
    public Map<String, Object> parseDatetime(String value) {
      LocalDateTime t = LocalDateTime.parse(value, OSLO_DATETIME);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("year", t.getYear());
      out.put("month", t.getMonthValue());
      out.put("day", t.getDayOfMonth());
      out.put("hour", t.getHour());
      out.put("minute", t.getMinute());
      out.put("second", t.getSecond());
      out.put("microsecond", t.getNano() / 1000);
      return out;
    }

    @RpcMethod("send_datetime")
    public Map<String, Object> sendDatetime() {
      return Map.of("when", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6_000).format(OSLO_DATETIME));
    }

    @RpcMethod("_private")
    public String hidden() {
      return "never callable";
    }
  }

  @RpcEndpoint(namespace = "interop", version = "2.1")
  public static final class InteropV2 {
    private final String server;

    InteropV2(String server) {
      this.server = server;
    }

    public Map<String, Object> echo(Object value) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("v2", value);
      out.put("server", server);
      return out;
    }
  }

  /** The Java classes a bound JSON value became, mirroring its shape (as rpc_server.py's describe_types). */
  static Object javaTypes(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), javaTypes(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(JavaEndpoints::javaTypes).toList();
    }
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
