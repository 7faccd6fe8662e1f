package io.fjord.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.WireJson;
import io.fjord.rpc.wire.WireNotification;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Notification bodies rebuilt from oslo's captures (docs/wire-format.md §8), byte for byte. */
class NotificationWireTest {

  static String resource(String name) throws Exception {
    try (InputStream in = NotificationWireTest.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Notification captured(String messageId, String eventType, String timestamp, Map<String, Object> payload) {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("user_id", "u-1");
    ctx.put("project_id", "p-1");
    ctx.put("request_id", "req-n1");
    ctx.put("roles", List.of("reader"));
    return new Notification(messageId, "spec.host1", eventType, Priority.INFO, WireJson.MAPPER.valueToTree(payload),
        timestamp, RequestContext.of(ctx));
  }

  private static byte[] withUniqueId(Notification n, String uniqueId, boolean envelope) {
    WireNotification w = n.toWire();
    WireNotification fixed = new WireNotification(w.messageId(), w.publisherId(), w.eventType(), w.priority(),
        w.payload(), w.timestamp(), uniqueId, w.context());
    byte[] body = OsloWire.encode(fixed, envelope);
    assertThat(OsloWire.decodeNotification(body)).isEqualTo(fixed);
    return body;
  }

  @Test
  void messagingV2BodyMatchesOslosCapture() throws Exception {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("phase", 1);
    payload.put("prio", "info");
    Notification n = captured("fbf56bf0-fb93-4d03-8150-a9e5a2f5f891", "spec.event.info", "2026-11-24 14:46:05.809842",
        payload);
    assertThat(new String(withUniqueId(n, "7960818d5caa41ad87c693d3a125a7bb", true), StandardCharsets.UTF_8))
        .isEqualTo(resource("notification_v2.json"));
  }

  @Test
  void messagingV1BodyMatchesOslosCapture() throws Exception {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("phase", 1);
    payload.put("driver", "messaging");
    Notification n = captured("8648e8a3-21a7-47c9-b1a5-afddba78fff7", "spec.event.v1", "2026-11-24 14:46:05.826310",
        payload);
    assertThat(new String(withUniqueId(n, "f85704b17a784107a119dbe0fe154c82", false), StandardCharsets.UTF_8))
        .isEqualTo(resource("notification_v1.json"));
  }

  @Test
  void timestampsArePythonsStrOfUtcnow() {
    assertThat(WireNotification.timestamp(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6000))).isEqualTo("2024-01-02 03:04:05.000006");
    assertThat(WireNotification.timestamp(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 0))).isEqualTo("2024-01-01 00:00:00");
    assertThat(WireNotification.timestamp(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 999))).isEqualTo("2024-01-01 00:00:00");
  }

  @Test
  void contextIsSanitizedToOslosSafeKeys() {
    RequestContext ctx = RequestContext.builder().requestId("r").userId("u").authToken("t").put("custom_secret", "s")
        .put("global_request_id", "g").put("project_name", "p").build();
    assertThat(WireNotification.sanitize(ctx).asMap()).containsOnlyKeys("request_id", "user_id", "global_request_id",
        "project_name");
  }

  @Test
  void priorityParsesAnyCaseAndWarning() {
    assertThat(Priority.parse("info")).isEqualTo(Priority.INFO);
    assertThat(Priority.parse("WARNING")).isEqualTo(Priority.WARN);
    assertThat(Priority.SAMPLE.routingName()).isEqualTo("sample");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Priority.parse("loud"))
        .hasMessage("Unknown notification priority 'loud'; known: audit, debug, info, warn (warning), error, critical, sample");
  }
}
