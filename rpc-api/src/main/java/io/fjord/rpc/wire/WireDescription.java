package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.ServiceDescription.JsonType;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of a {@code fjord.describe} result (docs/wire-format.md §9): the only place its field names are
 * spelled. Unknown fields are ignored when reading, so a newer server's description still reads.
 * Stateless and thread-safe.
 */
public final class WireDescription {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private WireDescription() {
  }

  /** {@code description} as the result of a {@code fjord.describe} call. */
  public static ObjectNode encode(ServiceDescription description) {
    ObjectNode root = NODES.objectNode();
    root.put("format", description.format());
    root.put("topic", description.topic());
    root.put("server", description.server());
    ArrayNode endpoints = root.putArray("endpoints");
    for (ServiceDescription.Endpoint e : description.endpoints()) {
      ObjectNode endpoint = endpoints.addObject();
      endpoint.put("namespace", e.namespace());
      endpoint.put("version", e.version());
      ArrayNode methods = endpoint.putArray("methods");
      for (ServiceDescription.Method m : e.methods()) {
        ObjectNode method = methods.addObject();
        method.put("name", m.name());
        ArrayNode params = method.putArray("params");
        for (ServiceDescription.Param p : m.params()) {
          params.addObject().put("name", p.name()).put("type", p.type().wireName()).put("required", p.required());
        }
        method.put("returns", m.returns().wireName());
        method.put("since", m.since());
        ArrayNode expected = method.putArray("expected_exceptions");
        m.expectedExceptions().forEach(expected::add);
        method.put("cast", m.cast());
        method.put("non_blocking", m.nonBlocking());
      }
    }
    return root;
  }

  /**
   * Reads the result of a {@code fjord.describe} call.
   *
   * @throws WireFormatException naming the field when {@code json} is not such a result
   */
  public static ServiceDescription decode(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw invalid("the result is not a JSON object: " + (json == null ? "nothing" : json.getNodeType()));
    }
    List<ServiceDescription.Endpoint> endpoints = new ArrayList<>();
    for (JsonNode e : array(json, "endpoints")) {
      List<ServiceDescription.Method> methods = new ArrayList<>();
      for (JsonNode m : array(e, "methods")) {
        List<ServiceDescription.Param> params = new ArrayList<>();
        for (JsonNode p : array(m, "params")) {
          params.add(new ServiceDescription.Param(text(p, "name", true), JsonType.ofWireName(text(p, "type", false)),
              p.path("required").asBoolean(true)));
        }
        List<String> expected = new ArrayList<>();
        for (JsonNode x : array(m, "expected_exceptions")) {
          expected.add(x.asText());
        }
        methods.add(new ServiceDescription.Method(text(m, "name", true), params,
            JsonType.ofWireName(text(m, "returns", false)), text(m, "since", false), expected,
            m.path("cast").asBoolean(false), m.path("non_blocking").asBoolean(false)));
      }
      endpoints.add(new ServiceDescription.Endpoint(text(e, "namespace", false), text(e, "version", true), methods));
    }
    return new ServiceDescription(json.path("format").asInt(ServiceDescription.FORMAT), text(json, "topic", true),
        text(json, "server", false), endpoints);
  }

  private static Iterable<JsonNode> array(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw invalid("'" + field + "' is not an array: " + value.getNodeType());
    }
    return value;
  }

  private static String text(JsonNode parent, String field, boolean required) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw invalid("'" + field + "' is missing in " + parent);
      }
      return null;
    }
    if (!value.isTextual()) {
      throw invalid("'" + field + "' is not a string: " + value);
    }
    return value.textValue();
  }

  private static WireFormatException invalid(String what) {
    return new WireFormatException("Not a " + ServiceDescription.METHOD + " result: " + what, null);
  }
}
