package io.fjord.rpc.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.RequestContext;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Flattens a {@link RequestContext} into {@code _context_<key>} fields and back (docs/wire-format.md §3). */
final class Contexts {
  private Contexts() {
  }

  static final String PREFIX = "_context_";

  /** Adds one {@code _context_<key>} field per context entry, in the context's order. */
  static void flatten(RequestContext context, ObjectNode message) {
    if (context == null) {
      return;
    }
    for (Map.Entry<String, Object> e : context.asMap().entrySet()) {
      message.set(PREFIX + e.getKey(), WireJson.MAPPER.valueToTree(e.getValue()));
    }
  }

  /** Removes every {@code _context_*} field from {@code message} and returns them as a context. */
  static RequestContext extract(ObjectNode message) {
    Map<String, Object> values = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = message.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith(PREFIX)) {
        values.put(e.getKey().substring(PREFIX.length()), WireJson.MAPPER.convertValue(e.getValue(), Object.class));
        it.remove();
      }
    }
    return values.isEmpty() ? RequestContext.empty() : RequestContext.of(values);
  }
}
