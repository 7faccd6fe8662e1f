package io.fjord.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestContextTest {

  @Test
  void typedAccessorsReadOslosKeys() {
    RequestContext ctx = RequestContext.builder()
        .requestId("req-1")
        .globalRequestId("greq-1")
        .userId("u-1")
        .projectId("p-1")
        .projectName("demo")
        .roles(List.of("admin", "member"))
        .admin(true)
        .readOnly(true)
        .showDeleted(true)
        .authToken("tok")
        .build();

    assertThat(ctx.requestId()).isEqualTo("req-1");
    assertThat(ctx.globalRequestId()).isEqualTo("greq-1");
    assertThat(ctx.userId()).isEqualTo("u-1");
    assertThat(ctx.projectId()).isEqualTo("p-1");
    assertThat(ctx.projectName()).isEqualTo("demo");
    assertThat(ctx.roles()).containsExactly("admin", "member");
    assertThat(ctx.isAdmin()).isTrue();
    assertThat(ctx.readOnly()).isTrue();
    assertThat(ctx.showDeleted()).isTrue();
    assertThat(ctx.authToken()).isEqualTo("tok");
    assertThat(ctx.asMap()).containsEntry("user_id", "u-1").containsEntry("is_admin", true);
  }

  @Test
  void userAndTenantAreAliasesOfUserIdAndProjectId() {
    RequestContext old = RequestContext.of(Map.of("user", "u-old", "tenant", "t-old"));

    assertThat(old.userId()).isEqualTo("u-old");
    assertThat(old.projectId()).isEqualTo("t-old");
  }

  @Test
  void newKeysWinOverTheirAliases() {
    RequestContext both = RequestContext.of(Map.of("user", "u-old", "user_id", "u-new", "tenant", "t-old",
        "project_id", "p-new"));

    assertThat(both.userId()).isEqualTo("u-new");
    assertThat(both.projectId()).isEqualTo("p-new");
  }

  @Test
  void absentKeysReadAsNullFalseOrEmpty() {
    RequestContext ctx = RequestContext.empty();

    assertThat(ctx.isEmpty()).isTrue();
    assertThat(ctx.requestId()).isNull();
    assertThat(ctx.userId()).isNull();
    assertThat(ctx.projectId()).isNull();
    assertThat(ctx.roles()).isEmpty();
    assertThat(ctx.isAdmin()).isFalse();
    assertThat(ctx.authToken()).isNull();
  }

  @Test
  void stringBooleansFromPythonPeersAreRead() {
    assertThat(RequestContext.of(Map.of("is_admin", "True")).isAdmin()).isTrue();
    assertThat(RequestContext.of(Map.of("is_admin", "false")).isAdmin()).isFalse();
  }

  @Test
  void typedSettersAndWithReturnCopies() {
    RequestContext base = RequestContext.builder().requestId("req-1").build();

    RequestContext changed = base.toBuilder().userId("u").projectId("p").roles(List.of("r")).admin(true)
        .requestId("req-2").globalRequestId("g").projectName("n").readOnly(true)
        .showDeleted(true).authToken("t").build().with("custom", Map.of("a", 1));

    assertThat(base.asMap()).containsExactly(Map.entry("request_id", "req-1"));
    assertThat(changed.requestId()).isEqualTo("req-2");
    assertThat(changed.asMap().keySet()).containsExactly("request_id", "user_id", "project_id", "roles", "is_admin",
        "global_request_id", "project_name", "read_only", "show_deleted", "auth_token", "custom");
    assertThat(changed.without("custom").containsKey("custom")).isFalse();
    assertThat(changed.containsKey("custom")).isTrue();
    assertThat(base.without("nope")).isSameAs(base);
  }

  @Test
  void toBuilderStartsFromTheEntries() {
    RequestContext base = RequestContext.builder().requestId("req-1").userId("u").build();

    RequestContext copy = base.toBuilder().put("extra", 1).build();

    assertThat(copy.asMap()).containsExactly(Map.entry("request_id", "req-1"), Map.entry("user_id", "u"),
        Map.entry("extra", 1));
    assertThat(base.containsKey("extra")).isFalse();
  }

  @Test
  void toStringHidesTheAuthToken() {
    RequestContext ctx = RequestContext.builder().userId("u-1").authToken("gAAAAAB-secret-token").build();

    assertThat(ctx.toString()).doesNotContain("gAAAAAB-secret-token").contains("auth_token=****").contains("u-1");
  }

  @Test
  void nonJsonValuesAreRejected() {
    assertThatThrownBy(() -> RequestContext.of(Map.of("when", Instant.EPOCH)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("RequestContext values must be JSON values (String, Number, Boolean, null, List, Map), got "
            + "java.time.Instant");
    assertThatThrownBy(() -> RequestContext.builder().put("x", new Object()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestContext.empty().with("nested", Map.of("deep", List.of(new Object()))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nullValuesAndNestedJsonAreKept() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("none", null);
    values.put("nested", Map.of("list", List.of(1, "two", 3.5, true)));

    RequestContext ctx = RequestContext.of(values);

    assertThat(ctx.asMap()).containsEntry("none", null).containsKey("nested");
    assertThat(ctx.get("nested")).isEqualTo(Map.of("list", List.of(1, "two", 3.5, true)));
  }

  @Test
  void contextIsADeepImmutableCopy() {
    List<Object> roles = new ArrayList<>(List.of("a"));
    Map<String, Object> nested = new HashMap<>(Map.of("k", "v"));
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("roles", roles);
    values.put("nested", nested);

    RequestContext ctx = RequestContext.of(values);
    roles.add("b");
    nested.put("k2", "v2");
    values.put("late", 1);

    assertThat(ctx.roles()).containsExactly("a");
    assertThat(ctx.get("nested")).isEqualTo(Map.of("k", "v"));
    assertThat(ctx.containsKey("late")).isFalse();
    assertThatThrownBy(() -> ctx.asMap().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> inner = (Map<String, Object>) ctx.get("nested");
    assertThatThrownBy(() -> inner.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalContentsAreEqual() {
    RequestContext a = RequestContext.builder().userId("u").roles(List.of("r")).build();
    RequestContext b = RequestContext.of(Map.of("user_id", "u", "roles", List.of("r")));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }
}
