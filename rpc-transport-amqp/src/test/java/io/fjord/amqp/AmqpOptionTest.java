package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.TransportUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The driver's options: every name documented in the README and in {@link RabbitDriverProvider}'s Javadoc,
 * oslo's names and semantics, and errors that name the option as it was written.
 */
class AmqpOptionTest {

  private static AmqpSettings parse(String query) {
    return AmqpSettings.from(TransportUrl.parse("rabbit://guest:guest@localhost:5672/?" + query));
  }

  @Test
  void everyOptionNameIsDocumentedInTheReadmeAndTheDriversJavadoc() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String javadoc = Files.readString(Path.of("src/main/java/io/fjord/amqp/RabbitDriverProvider.java"));
    for (AmqpOption o : AmqpOption.values()) {
      List<String> names = new ArrayList<>(o.aliases);
      names.add(o.canonical);
      names.addAll(o.deprecated);
      for (String name : names) {
        assertThat(readme).as("README documents %s", name).contains("`" + name + "`");
      }
      assertThat(javadoc).as("RabbitDriverProvider documents %s", o.canonical).contains("{@code " + o.canonical + "}");
    }
  }

  @Test
  void oslosNamesAndFjordsShortNamesAreOneOption() {
    assertThat(parse("rabbit_qos_prefetch_count=7").prefetch).isEqualTo(7);
    assertThat(parse("prefetch=7").prefetch).isEqualTo(7);
    assertThatThrownBy(() -> parse("prefetch=7&rabbit_qos_prefetch_count=8"))
        .hasMessageContaining("Options 'prefetch' and 'rabbit_qos_prefetch_count'")
        .hasMessageContaining("give it once");
  }

  @Test
  void anInvalidValueNamesTheOptionAsWrittenWithoutThePassword() {
    assertThatThrownBy(() -> AmqpSettings.from(TransportUrl.parse(
        "rabbit://guest:s3cret@localhost:5672/?rabbit_qos_prefetch_count=abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Option rabbit_qos_prefetch_count=abc in transport URL rabbit://guest:****@")
        .hasMessageEndingWith("must be an integer from 0 to 65535")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> parse("kombu_failover_strategy=random"))
        .hasMessageEndingWith("must be one of [round-robin, shuffle]");
    assertThatThrownBy(() -> parse("ssl_ca_file=/no/such/ca.pem"))
        .hasMessageContaining("Option ssl_ca_file=/no/such/ca.pem").hasMessageContaining("cannot be read");
  }

  @Test
  void combinationsOsloRefusesAreRefusedNamingTheOptions() {
    assertThatThrownBy(() -> parse("rabbit_stream_fanout=true"))
        .hasMessageContaining("rabbit_stream_fanout=true").hasMessageContaining("rabbit_transient_quorum_queue=true");
    assertThatThrownBy(() -> parse("rabbit_stream_fanout=true&rabbit_transient_quorum_queue=true"
        + "&rabbit_qos_prefetch_count=0"))
        .hasMessageContaining("rabbit_qos_prefetch_count=0").hasMessageContaining("greater than 0");
    assertThatThrownBy(() -> parse("rabbit_quorum_queue=true&rabbit_ha_queues=true"))
        .hasMessageContaining("rabbit_ha_queues=true");
    assertThatThrownBy(() -> parse("rabbit_quorum_queue=true&amqp_auto_delete=true"))
        .hasMessageContaining("amqp_auto_delete=true").hasMessageContaining("auto-delete quorum queues");
    assertThatThrownBy(() -> parse("ssl_cert_file=pom.xml"))
        .hasMessageContaining("needs ssl_key_file too");
    assertThatThrownBy(() -> parse("rabbit_login_method=EXTERNAL"))
        .hasMessageContaining("needs ssl=true, ssl_cert_file and ssl_key_file");
    assertThatThrownBy(() -> parse("kombu_compression=bz2"))
        .hasMessageContaining("Option kombu_compression=bz2").hasMessageContaining("gzip");
  }

  @Test
  void deprecatedNamesAndNoOpsAreAcceptedWithANotice() {
    AmqpSettings s = parse("rabbit_quroum_max_memory_length=10&ssl_enforce_fips_mode=false&rpc_conn_pool_size=30"
        + "&heartbeat_rate=3&direct_mandatory_flag=false&kombu_reconnect_timeout=30");
    assertThat(s.quorumMaxMemoryLength).isEqualTo(10);
    assertThat(s.replyRetryTimeout).hasSeconds(30);
    assertThat(s.notices).extracting(AmqpSettings.Notice::key).containsExactlyInAnyOrder(
        "rabbit_quroum_max_memory_length", "kombu_reconnect_timeout", "ssl_enforce_fips_mode", "rpc_conn_pool_size",
        "heartbeat_rate", "direct_mandatory_flag");
    assertThat(s.notices).filteredOn(n -> n.key().equals("rabbit_quroum_max_memory_length")).singleElement()
        .satisfies(n -> assertThat(n.text()).contains("use rabbit_quorum_max_memory_length"));
  }

  @Test
  void osloDefaultsAndSemantics() {
    AmqpSettings d = parse("");
    assertThat(d.durableOption).isNull();
    assertThat(d.transientQueueTtl).hasSeconds(1800);
    assertThat(d.reconnectDelay).hasMillis(1000);
    assertThat(d.failover).isEqualTo(AmqpSettings.Failover.ROUND_ROBIN);
    assertThat(d.backoff).isNull();
    AmqpSettings o = parse("rabbit_retry_interval=1&rabbit_retry_backoff=2&rabbit_interval_max=6"
        + "&rabbit_transient_queues_ttl=0&rabbit_quorum_delivery_limit=-1&rabbit_login_method=amqplain");
    assertThat(List.of(1, 2, 3, 4, 9)).map(o.backoff::delay).map(java.time.Duration::toSeconds)
        .containsExactly(1L, 3L, 5L, 6L, 6L);
    assertThat(o.transientQueueTtl).isZero();
    assertThat(o.quorumDeliveryLimit).isEqualTo(-1);
    assertThat(o.login).isEqualTo(AmqpSettings.Login.AMQPLAIN);
  }
}
