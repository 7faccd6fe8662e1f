package io.fjord.rpc.serializer;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;

/**
 * Converts between application values (arguments, results, payloads) and JSON trees, the way
 * oslo's serializer converts entities to primitives. The default is {@link JacksonSerializer}; plug
 * your own ObjectMapper in through it to add modules (java.time, records, ...).
 *
 * <p>Implementations MUST be thread-safe; they run on caller and executor threads concurrently.
 */
public interface PayloadSerializer {

  /** Converts a value to JSON. Throws {@link IllegalArgumentException} when it cannot be represented. */
  JsonNode toJson(Object value);

  /** Converts JSON to {@code type}. Throws {@link IllegalArgumentException} naming the mismatch. */
  Object fromJson(JsonNode json, JavaType type);

  /** Type factory for building {@link JavaType}s of generic parameters. */
  TypeFactory typeFactory();
}
