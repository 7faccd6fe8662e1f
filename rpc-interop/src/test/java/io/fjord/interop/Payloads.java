package io.fjord.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The payloads and contexts both directions send, so Python and Java see the same values. */
final class Payloads {
  private Payloads() {
  }

  /** The datetime oslo's tests use, as oslo's to_primitive writes it ('%Y-%m-%dT%H:%M:%S.%f'). */
  static final String DATETIME = "2024-01-02T03:04:05.000006";

  /**
   * Every JSON shape a payload may take: nested maps and lists, unicode outside the BMP, escapes,
   * integers up to beyond 64 bits, floats at both ends of the range, nulls, booleans, empties.
   */
  static final String VALUE_JSON = """
      {"nested": {"list": [1, 2.5, "x", null, true, false, [], {}], "map": {"a": {"b": {"c": [{"d": 1}]}}}},
       "unicode": "h\\u00e9llo \\u2603 \\ud83d\\ude00 \\u4e2d\\u6587",
       "escapes": "quote\\" backslash\\\\ tab\\t newline\\n nul\\u0000 del\\u007f",
       "int": 1, "negative": -42, "long_max": 9223372036854775807, "long_min": -9223372036854775808,
       "beyond_long": 18446744073709551616, "huge": 123456789012345678901234567890,
       "float": 0.1, "tiny": 1e-07, "large_float": 1.5e+300, "negative_zero": -0.0,
       "null": null, "true": true, "false": false,
       "empty_map": {}, "empty_list": [], "empty_string": ""}
      """;

  /** {@link #VALUE_JSON} as a tree. */
  static ObjectNode value() {
    return (ObjectNode) parse(VALUE_JSON);
  }

  /** Any JSON as a tree parsed by the test's mapper (so numbers compare by value and kind). */
  static JsonNode parse(String json) {
    try {
      return OsloPeer.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Re-parses {@code node} so node kinds (int/long/big) follow the text, as on the other side. */
  static JsonNode normalize(Object value) {
    try {
      return parse(OsloPeer.JSON.writeValueAsString(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
