package io.fjord.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.TransportUrl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How examples build their URLs and name what they delete at their end. */
class BrokersTest {

  @Test
  void optionsAreAddedUnlessTheUrlSetsThem() {
    assertThat(Brokers.withOptions("rabbit://u:p@h/", "auto_delete=true&prefetch=1"))
        .isEqualTo("rabbit://u:p@h/?auto_delete=true&prefetch=1");
    assertThat(Brokers.withOptions("rabbit://u:p@h/?prefetch=8", "auto_delete=true&prefetch=1"))
        .isEqualTo("rabbit://u:p@h/?prefetch=8&auto_delete=true");
    assertThat(Brokers.withOptions("memory://", "auto_delete=true")).isEqualTo("memory://");
  }

  @Test
  void virtualHostIsReplacedKeepingCredentialsAndOptions() {
    String url = Brokers.withVirtualHost("rabbit://u:p/w@h:5672/old?auto_delete=true", "vh 1");
    assertThat(url).isEqualTo("rabbit://u:p/w@h:5672/vh%201?auto_delete=true");
    assertThat(TransportUrl.parse(url).virtualHost()).isEqualTo("vh 1");
    assertThat(TransportUrl.parse(url).hosts().get(0).password()).isEqualTo("p/w");
    assertThat(Brokers.withVirtualHost("rabbit://h", "vh1")).isEqualTo("rabbit://h/vh1");
    assertThat(Brokers.withVirtualHost("memory://host/", "vh1")).isEqualTo("memory://host/vh1");
  }

  @Test
  void withTheQueueManagerOnTheUrlGetsAHostnameAndProcessnameUnlessItHasThem() {
    Map<String, String> options = TransportUrl.parse(Brokers.withQueueManagerNames("rabbit://u:p@h/?use_queue_manager=true"))
        .options();
    assertThat(options.get("hostname")).isNotBlank();
    assertThat(options.get("processname")).matches("fjord-example-[0-9a-f]{8}");
    String named = "rabbit://u:p@h/?use_queue_manager=true&hostname=a&processname=b";
    assertThat(Brokers.withQueueManagerNames(named)).isEqualTo(named);
    assertThat(Brokers.withQueueManagerNames("rabbit://u:p@h/?use_queue_manager=false")).doesNotContain("processname");
    assertThat(Brokers.withQueueManagerNames("memory://")).isEqualTo("memory://");
  }

  @Test
  void declaredNamesTopicsNotificationsPoolsTheControlExchangeAndTheQueueManagersReplyQueues() {
    Declared kolla = Declared.by("rabbit://u:p@h/?use_queue_manager=yes&hostname=a&processname=b", "id1")
        .rpcTopic("t", List.of("s1", "s2")).notifications("n", "info", "error").queue("pool").transports(2);

    assertThat(kolla.queues())
        .containsExactly("t", "t.s1", "t.s2", "t_fanout", "n.info", "n.error", "pool", "reply_a:b:1", "reply_a:b:2");
    assertThat(kolla.exchanges()).containsExactly("fjord_demo_id1", "t_fanout");
    assertThat(Declared.by("rabbit://u:p@h/", "id2").rpcTopic("t", List.of("s1")).queues())
        .as("Fjord's default reply queues are exclusive: they go with the connection")
        .containsExactly("t", "t.s1", "t_fanout");
  }

  @Test
  void withoutNamesTheQueueManagersReplyQueuesAreReportedAsLeft() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Declared.by("rabbit://u:p@127.0.0.1:1/?use_queue_manager=true", "id3").rpcTopic("t", List.of())
        .delete(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("the queue manager's reply queues stay on the broker: the URL names no hostname and processname")
        .contains("could not delete all of the example's queues and exchanges")
        .doesNotContain("u:p");
  }
}
