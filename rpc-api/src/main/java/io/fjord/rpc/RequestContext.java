package io.fjord.rpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The request context that travels with every call, cast and notification, as oslo.context's
 * {@code to_dict()} does: an ordered map of string keys to JSON values (strings, numbers,
 * booleans, null, lists, maps), flattened on the wire as {@code _context_<key>} fields.
 *
 * <p>Typed accessors read oslo's common keys, falling back to their older aliases
 * ({@code user}, {@code tenant}); any other key is kept as-is and round-trips unchanged.
 * A server-side context also holds {@code client_timeout}, which oslo servers add.
 *
 * <p>One way to set each key: the {@link Builder}'s typed setters (or {@link Builder#put}) when building,
 * {@link #with} and {@link #without} for a changed copy. Immutable and thread-safe. {@link #toString()} hides
 * {@code auth_token}.
 */
public final class RequestContext {
  public static final String REQUEST_ID = "request_id";
  public static final String GLOBAL_REQUEST_ID = "global_request_id";
  public static final String USER_ID = "user_id";
  public static final String USER = "user";
  public static final String PROJECT_ID = "project_id";
  public static final String TENANT = "tenant";
  public static final String PROJECT_NAME = "project_name";
  public static final String ROLES = "roles";
  public static final String IS_ADMIN = "is_admin";
  public static final String READ_ONLY = "read_only";
  public static final String SHOW_DELETED = "show_deleted";
  public static final String AUTH_TOKEN = "auth_token";

  private static final RequestContext EMPTY = new RequestContext(Map.of());

  private final Map<String, Object> values;

  private RequestContext(Map<String, Object> values) {
    this.values = values;
  }

  /** The empty context. */
  public static RequestContext empty() {
    return EMPTY;
  }

  /**
   * A context holding a copy of {@code values}. Values must be JSON values: String, Number,
   * Boolean, null, List or Map of those.
   */
  public static RequestContext of(Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "context key"), freeze(v)));
    return new RequestContext(Collections.unmodifiableMap(copy));
  }

  /** A builder starting empty. */
  public static Builder builder() {
    return new Builder(new LinkedHashMap<>());
  }

  /** A builder starting from this context's entries. */
  public Builder toBuilder() {
    return new Builder(new LinkedHashMap<>(values));
  }

  @SuppressWarnings("unchecked")
  private static Object freeze(Object v) {
    if (v instanceof Map<?, ?> m) {
      LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, x) -> copy.put(String.valueOf(k), freeze(x)));
      return Collections.unmodifiableMap(copy);
    }
    if (v instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      l.forEach(x -> copy.add(freeze(x)));
      return Collections.unmodifiableList(copy);
    }
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Object[] arr) {
      return freeze(List.of(arr));
    }
    throw new IllegalArgumentException("RequestContext values must be JSON values (String, Number, Boolean, null, "
        + "List, Map), got " + v.getClass().getName());
  }

  /** All entries in insertion order (unmodifiable). */
  public Map<String, Object> asMap() {
    return values;
  }

  /** The raw value of a key, or null. */
  public Object get(String key) {
    return values.get(key);
  }

  public boolean containsKey(String key) {
    return values.containsKey(key);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** A copy with {@code key} set to {@code value}. */
  public RequestContext with(String key, Object value) {
    return toBuilder().put(key, value).build();
  }

  /** A copy without {@code key}. */
  public RequestContext without(String key) {
    if (!values.containsKey(key)) {
      return this;
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(values);
    copy.remove(key);
    return new RequestContext(Collections.unmodifiableMap(copy));
  }

  public String requestId() {
    return string(REQUEST_ID);
  }

  public String globalRequestId() {
    return string(GLOBAL_REQUEST_ID);
  }

  /** {@code user_id}, else the older {@code user}. */
  public String userId() {
    String v = string(USER_ID);
    return v != null ? v : string(USER);
  }

  /** {@code project_id}, else the older {@code tenant}. */
  public String projectId() {
    String v = string(PROJECT_ID);
    return v != null ? v : string(TENANT);
  }

  public String projectName() {
    return string(PROJECT_NAME);
  }

  /** Role names; empty when absent. */
  public List<String> roles() {
    Object v = values.get(ROLES);
    if (v instanceof List<?> l) {
      List<String> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(String.valueOf(x)));
      return Collections.unmodifiableList(out);
    }
    return List.of();
  }

  public boolean isAdmin() {
    return bool(IS_ADMIN);
  }

  public boolean readOnly() {
    return bool(READ_ONLY);
  }

  public boolean showDeleted() {
    return bool(SHOW_DELETED);
  }

  public String authToken() {
    return string(AUTH_TOKEN);
  }

  private String string(String key) {
    Object v = values.get(key);
    return v == null ? null : String.valueOf(v);
  }

  private boolean bool(String key) {
    Object v = values.get(key);
    return v instanceof Boolean b ? b : v != null && Boolean.parseBoolean(String.valueOf(v));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestContext c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    LinkedHashMap<String, Object> shown = new LinkedHashMap<>(values);
    shown.computeIfPresent(AUTH_TOKEN, (k, v) -> "****");
    return "RequestContext" + shown;
  }

  /** Builds a {@link RequestContext}; not thread-safe. */
  public static final class Builder {
    private final LinkedHashMap<String, Object> values;

    private Builder(LinkedHashMap<String, Object> values) {
      this.values = values;
    }

    public Builder put(String key, Object value) {
      values.put(Objects.requireNonNull(key, "key"), freeze(value));
      return this;
    }

    public Builder requestId(String v) {
      return put(REQUEST_ID, v);
    }

    public Builder globalRequestId(String v) {
      return put(GLOBAL_REQUEST_ID, v);
    }

    public Builder userId(String v) {
      return put(USER_ID, v);
    }

    /** oslo.context's {@code user} key (its {@code from_dict()} reads only this one). */
    public Builder user(String v) {
      return put(USER, v);
    }

    public Builder projectId(String v) {
      return put(PROJECT_ID, v);
    }

    public Builder projectName(String v) {
      return put(PROJECT_NAME, v);
    }

    public Builder roles(List<String> v) {
      return put(ROLES, v);
    }

    public Builder admin(boolean v) {
      return put(IS_ADMIN, v);
    }

    public Builder readOnly(boolean v) {
      return put(READ_ONLY, v);
    }

    public Builder showDeleted(boolean v) {
      return put(SHOW_DELETED, v);
    }

    public Builder authToken(String v) {
      return put(AUTH_TOKEN, v);
    }

    public RequestContext build() {
      return new RequestContext(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }
  }
}
