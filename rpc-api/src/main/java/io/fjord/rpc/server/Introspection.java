package io.fjord.rpc.server;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.ServiceDescription.JsonType;
import io.fjord.rpc.Target;
import io.fjord.rpc.wire.WireDescription;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's answer to {@value ServiceDescription#METHOD} (docs/wire-format.md §9), built once from its
 * endpoints when the server is built, and the mapping from Java types to JSON types it uses. Immutable.
 */
final class Introspection {
  private Introspection() {
  }

  /** The endpoint whose only method answers {@code fjord.describe} with a description made at build time. */
  public static final class Describer {
    private final JsonNode description;

    Describer(JsonNode description) {
      this.description = description;
    }

    /** The description, the same tree for every request. */
    public JsonNode describe() {
      return description;
    }
  }

  /** The description of a server on {@code target} with {@code endpoints}, in dispatch order, methods by name. */
  static ServiceDescription describe(Target target, List<Endpoint> endpoints, TypeFactory types) {
    List<ServiceDescription.Endpoint> described = new ArrayList<>();
    for (Endpoint e : endpoints) {
      List<ServiceDescription.Method> methods = new ArrayList<>();
      for (EndpointMethod m : e.methods.values()) {
        methods.add(m.describe(types));
      }
      methods.sort(java.util.Comparator.comparing(ServiceDescription.Method::name)); // stable, readable output
      described.add(new ServiceDescription.Endpoint(e.namespace, e.version.toString(), methods));
    }
    return new ServiceDescription(ServiceDescription.FORMAT, target.topic(), target.server(), described);
  }

  /** The endpoint answering {@code fjord.describe} for a server on {@code target} with {@code endpoints}. */
  static Describer describer(Target target, List<Endpoint> endpoints, TypeFactory types) {
    return new Describer(WireDescription.encode(describe(target, endpoints, types)));
  }

  /**
   * The JSON type Jackson's default conventions give {@code type}: what its values look like on the wire.
   * A {@code CompletionStage<T>} or {@code Optional<T>} is T's.
   */
  static JsonType jsonType(JavaType type, TypeFactory types) {
    Class<?> raw = type.getRawClass();
    if (CompletionStage.class.isAssignableFrom(raw) || raw == Optional.class) {
      JavaType[] inner = raw == Optional.class ? types.findTypeParameters(type, Optional.class)
          : types.findTypeParameters(type, CompletionStage.class);
      return inner.length == 1 ? jsonType(inner[0], types) : JsonType.ANY;
    }
    if (raw == void.class || raw == Void.class || raw == NullNode.class) {
      return JsonType.NULL;
    }
    if (raw == boolean.class || raw == Boolean.class || raw == AtomicBoolean.class || raw == BooleanNode.class) {
      return JsonType.BOOLEAN;
    }
    if (raw == byte.class || raw == short.class || raw == int.class || raw == long.class || raw == Byte.class
        || raw == Short.class || raw == Integer.class || raw == Long.class || raw == BigInteger.class
        || raw == AtomicInteger.class || raw == AtomicLong.class || java.util.Date.class.isAssignableFrom(raw)
        || java.util.Calendar.class.isAssignableFrom(raw)) {
      return JsonType.INTEGER; // Jackson writes dates as epoch milliseconds by default
    }
    if (raw == float.class || raw == double.class || Number.class.isAssignableFrom(raw) || raw == BigDecimal.class
        || NumericNode.class.isAssignableFrom(raw)) {
      return JsonType.NUMBER;
    }
    if (raw == char.class || raw == Character.class || CharSequence.class.isAssignableFrom(raw) || raw.isEnum()
        || raw == byte[].class || raw == char[].class || raw == java.util.UUID.class || raw == java.net.URI.class
        || raw == java.net.URL.class || raw == java.util.Locale.class || raw == TextNode.class) {
      return JsonType.STRING;
    }
    if (type.isArrayType() || type.isCollectionLikeType() || ArrayNode.class.isAssignableFrom(raw)) {
      return JsonType.ARRAY;
    }
    if (type.isMapLikeType() || ObjectNode.class.isAssignableFrom(raw)) {
      return JsonType.OBJECT;
    }
    if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || raw.isInterface()) {
      return JsonType.ANY;
    }
    return JsonType.OBJECT; // records and beans
  }
}
