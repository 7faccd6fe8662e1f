package io.fjord.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Fjord RPC server says about itself when asked with the reserved method {@value #METHOD}
 * (docs/wire-format.md §9): its topic and server name, and per endpoint its namespace, version and
 * methods with their keyword arguments and JSON types. Got with {@code RpcClient.describe()}, printed by
 * {@code fjord describe}; an {@code RpcServer} builds it from its endpoints unless its builder switched
 * introspection off.
 *
 * <p>JSON types are derived from the Java types with Jackson's default conventions (a custom serializer
 * may write something else): {@code String}, {@code char}, enums and {@code byte[]} are strings, whole
 * numbers integers, {@code float}/{@code double}/{@code BigDecimal} numbers, collections and arrays arrays,
 * maps, records and beans objects, {@code void} null, {@code Object} and {@code JsonNode} any.
 *
 * <p>Immutable and thread-safe.
 *
 * @param format the version of the description's layout, {@value #FORMAT} for this one
 * @param topic the server's topic
 * @param server the server's name
 * @param endpoints the endpoints in dispatch order (the first that can serve a request runs it)
 */
public record ServiceDescription(int format, String topic, String server, List<Endpoint> endpoints) {

  /** The reserved wire method a Fjord server answers with its description. */
  public static final String METHOD = "fjord.describe";
  /** Wire method names starting with this are Fjord's own; no endpoint method may have one. */
  public static final String RESERVED_PREFIX = "fjord.";
  /** The layout this class reads and writes. */
  public static final int FORMAT = 1;

  public ServiceDescription {
    Objects.requireNonNull(topic, "topic");
    endpoints = List.copyOf(endpoints);
  }

  /** A JSON value type, as JSON Schema names them, plus {@link #ANY}. */
  public enum JsonType {
    STRING, INTEGER, NUMBER, BOOLEAN, ARRAY, OBJECT, NULL, ANY;

    /** The lower-case name used on the wire, e.g. {@code "integer"}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The type of wire name {@code name}; {@link #ANY} for a name this version does not know, so that a
     * newer server's description still reads.
     */
    public static JsonType ofWireName(String name) {
      for (JsonType t : values()) {
        if (t.wireName().equals(name)) {
          return t;
        }
      }
      return ANY;
    }

    /**
     * Whether {@code value} is of this type: {@link #ANY} takes everything, {@link #NUMBER} integers too,
     * and JSON null fits every type (whether a null is acceptable is the method's business).
     */
    public boolean accepts(JsonNode value) {
      if (this == ANY || value == null || value.isNull()) {
        return true;
      }
      return switch (this) {
        case STRING -> value.isTextual();
        case INTEGER -> value.isIntegralNumber();
        case NUMBER -> value.isNumber();
        case BOOLEAN -> value.isBoolean();
        case ARRAY -> value.isArray();
        case OBJECT -> value.isObject();
        default -> false;
      };
    }
  }

  /**
   * One endpoint.
   *
   * @param namespace its namespace; null for the default one
   * @param version the version it implements, {@code X.Y[.Z]}
   * @param methods its exposed methods, by wire name
   */
  public record Endpoint(String namespace, String version, List<Method> methods) {
    public Endpoint {
      Objects.requireNonNull(version, "version");
      methods = List.copyOf(methods);
    }

    /** The method named {@code name} on the wire. */
    public Optional<Method> method(String name) {
      return methods.stream().filter(m -> m.name().equals(name)).findFirst();
    }
  }

  /**
   * One exposed method.
   *
   * @param name its wire name
   * @param params its keyword arguments (the context and {@code @Server} parameters are not arguments)
   * @param returns the JSON type of its result ({@link JsonType#NULL} for {@code void}; a
   *     {@code CompletionStage<T>} returns T)
   * @param since the {@code @Since} version that added it, or null
   * @param expectedExceptions the {@code @ExpectedExceptions} as they travel on the wire, {@code module.Class}:
   *     a Java exception's package and simple name (one implementing {@link RemoteIdentity} picks its wire
   *     name per instance, so the listed name is only its default)
   * @param cast whether it is meant to be cast, not called ({@code @Cast} on its {@code @RpcApi} method)
   * @param nonBlocking whether it is {@code @NonBlocking} (runs on the server's delivery thread)
   */
  public record Method(String name, List<Param> params, JsonType returns, String since,
                       List<String> expectedExceptions, boolean cast, boolean nonBlocking) {
    public Method {
      Objects.requireNonNull(name, "name");
      params = List.copyOf(params);
      Objects.requireNonNull(returns, "returns");
      expectedExceptions = List.copyOf(expectedExceptions);
    }

    /**
     * Why {@code args} would not bind to this method: the first unknown argument, missing required
     * argument or value of the wrong JSON type; empty when they fit as far as JSON types tell.
     */
    public Optional<String> mismatch(Map<String, ? extends JsonNode> args) {
      for (String name : args.keySet()) {
        if (params.stream().noneMatch(p -> p.name().equals(name))) {
          return Optional.of("'" + this.name + "' has no argument '" + name + "' (it takes " + signature() + ")");
        }
      }
      for (Param p : params) {
        JsonNode value = args.get(p.name());
        if (value == null) {
          if (p.required()) {
            return Optional.of("'" + this.name + "' needs argument '" + p.name() + "' (it takes " + signature() + ")");
          }
        } else if (!p.type().accepts(value)) {
          return Optional.of("argument '" + p.name() + "' of '" + this.name + "' must be " + p.type().wireName()
              + ", got " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + value);
        }
      }
      return Optional.empty();
    }

    /** {@code name(a: integer, b?: string) -> object}, as {@code fjord describe} prints it. */
    public String signature() {
      List<String> ps = new ArrayList<>();
      for (Param p : params) {
        ps.add(p.name() + (p.required() ? "" : "?") + ": " + p.type().wireName());
      }
      return name + "(" + String.join(", ", ps) + ") -> " + returns.wireName();
    }
  }

  /**
   * One keyword argument.
   *
   * @param name its name on the wire
   * @param type its JSON type
   * @param required whether a caller must send it ({@code @Param(required = false)} and {@code Optional}
   *     parameters are optional)
   */
  public record Param(String name, JsonType type, boolean required) {
    public Param {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  /**
   * The method a request for {@code method} in {@code namespace} (null: the default) at {@code version}
   * (null: 1.0) would run, by oslo's dispatch rule: the first endpoint of that namespace whose version can
   * serve the requested one and that has the method. Empty when none would.
   *
   * @throws IllegalArgumentException when {@code version} is not {@code X.Y[.Z]}
   */
  public Optional<Method> find(String namespace, String version, String method) {
    Version requested = version == null ? Version.DEFAULT : Version.parse(version);
    for (Endpoint e : endpoints) {
      if (Objects.equals(e.namespace(), namespace) && Version.isCompatible(e.version(), requested.toString())) {
        Optional<Method> m = e.method(method);
        if (m.isPresent()) {
          return m;
        }
      }
    }
    return Optional.empty();
  }
}
