package io.fjord.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.TransportUrl;
import org.junit.jupiter.api.Test;

/** How examples build their URLs. */
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
}
