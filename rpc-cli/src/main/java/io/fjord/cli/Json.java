package io.fjord.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fjord.rpc.RequestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * JSON as the command line reads and prints it: {@code key=value} arguments whose values are JSON
 * when they parse as JSON and strings otherwise, JSON objects given to {@code --args},
 * {@code --context} and {@code --payload}, and one-line output. Bad input becomes a
 * {@link ParameterException} naming the option (exit code 64). Stateless and thread-safe.
 */
final class Json {
  private Json() {
  }

  static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** {@code value} as one line of JSON. */
  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value == null ? NullNode.getInstance() : value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses the JSON of {@code option}; null when {@code text} is null. */
  static JsonNode parse(CommandLine cmd, String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ParameterException(cmd, "Invalid JSON for " + option + ": " + e.getOriginalMessage()
          + " (hint: quote it for the shell, e.g. " + option + " '{\"key\": \"value\"}')");
    }
  }

  /** Parses the JSON object of {@code option}; empty when {@code text} is null. */
  static ObjectNode parseObject(CommandLine cmd, String option, String text) {
    JsonNode node = parse(cmd, option, text);
    if (node == null) {
      return MAPPER.createObjectNode();
    }
    if (!(node instanceof ObjectNode o)) {
      throw new ParameterException(cmd, option + " must be a JSON object, got " + node.getNodeType().name().toLowerCase()
          + " " + write(node));
    }
    return o;
  }

  /** The value of a {@code key=value} argument: JSON when it parses as JSON, else the text as a string. */
  static JsonNode value(String text) {
    if (text.isBlank()) {
      return TextNode.valueOf(text);
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(text);
    }
  }

  /**
   * The keyword arguments of a call or cast: the {@code --args} object, then each {@code key=value}
   * (which wins over the same key in {@code --args}).
   */
  static Map<String, JsonNode> arguments(CommandLine cmd, String argsJson, List<String> pairs) {
    Map<String, JsonNode> args = new LinkedHashMap<>();
    parseObject(cmd, "--args", argsJson).properties().forEach(e -> args.put(e.getKey(), e.getValue()));
    Map<String, JsonNode> fromPairs = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(cmd, "Argument '" + pair + "' is not key=value (e.g. name=world, count=3, "
            + "payload='{\"a\": 1}'; a value is JSON when it parses as JSON, else a string)");
      }
      String key = pair.substring(0, eq);
      if (fromPairs.put(key, value(pair.substring(eq + 1))) != null) {
        throw new ParameterException(cmd, "Argument '" + key + "' is given twice");
      }
    }
    args.putAll(fromPairs);
    return args;
  }

  /** The request context of {@code --context}, with a fresh {@code request_id} unless it has one. */
  static RequestContext context(CommandLine cmd, String contextJson) {
    ObjectNode node = parseObject(cmd, "--context", contextJson);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(RequestContext.REQUEST_ID, "req-" + UUID.randomUUID());
    node.properties().forEach(e -> values.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class)));
    return RequestContext.of(values);
  }

  /** A context as JSON for output, with {@code auth_token} hidden. */
  static ObjectNode context(RequestContext context) {
    ObjectNode out = MAPPER.valueToTree(context.asMap());
    if (out.has(RequestContext.AUTH_TOKEN)) {
      out.put(RequestContext.AUTH_TOKEN, "****");
    }
    return out;
  }
}
