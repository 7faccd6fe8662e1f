package io.fjord.rpc.serializer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.util.Objects;

/**
 * The default {@link PayloadSerializer}: Jackson databind with one shared {@link ObjectMapper}
 * (building a mapper per call costs ~10 us; sharing one costs ~0.6 us).
 *
 * <p>The default mapper ignores unknown JSON properties when binding to a Java class, so a peer
 * that adds a field to a result does not break older callers. Thread-safe.
 */
public final class JacksonSerializer implements PayloadSerializer {
  private static final JacksonSerializer DEFAULT = new JacksonSerializer(defaultMapper());

  private final ObjectMapper mapper;

  private JacksonSerializer(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /** The shared default instance. */
  public static JacksonSerializer create() {
    return DEFAULT;
  }

  /** A serializer using {@code mapper}, which must not be reconfigured afterwards. */
  public static JacksonSerializer of(ObjectMapper mapper) {
    return new JacksonSerializer(mapper);
  }

  /** The mapper {@link #create()} uses; a fresh copy you may customise and pass to {@link #of}. */
  public static ObjectMapper defaultMapper() {
    return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** This serializer's mapper. */
  public ObjectMapper mapper() {
    return mapper;
  }

  @Override
  public JsonNode toJson(Object value) {
    return mapper.valueToTree(value);
  }

  @Override
  public Object fromJson(JsonNode json, JavaType type) {
    try {
      return mapper.treeToValue(json, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  @Override
  public TypeFactory typeFactory() {
    return mapper.getTypeFactory();
  }
}
