package io.fjord.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.TransportUrl.Host;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The transport URL grammar of docs/wire-format.md §6.7, example by example. */
class TransportUrlTest {

  @Test
  void hostlessUrlHasNoHostsAndTheDefaultVirtualHost() {
    TransportUrl url = TransportUrl.parse("rabbit://");

    assertThat(url.scheme()).isEqualTo("rabbit");
    assertThat(url.hosts()).isEmpty();
    assertThat(url.virtualHost()).isEqualTo("/");
    assertThat(url.options()).isEmpty();
  }

  @Test
  void singleHostWithCredentialsAndPort() {
    TransportUrl url = TransportUrl.parse("rabbit://guest:guest@localhost:5672/");

    assertThat(url.hosts()).containsExactly(new Host("localhost", 5672, "guest", "guest"));
    assertThat(url.virtualHost()).isEqualTo("/");
  }

  @ParameterizedTest
  @CsvSource({
      "rabbit://guest:guest@localhost:5672,      /",
      "rabbit://guest:guest@localhost:5672/,     /",
      "rabbit://guest:guest@localhost:5672//,    /",
      "rabbit://guest:guest@localhost:5672/%2F,  /",
      "rabbit://guest:guest@localhost:5672/%2f,  /",
      "rabbit://guest:guest@localhost:5672/nova, nova",
      "rabbit://localhost/a%20b,                 a b",
  })
  void virtualHostFollowsOsloRules(String input, String virtualHost) {
    assertThat(TransportUrl.parse(input).virtualHost()).isEqualTo(virtualHost);
  }

  @Test
  void multipleHostsKeepTheirOrderAndOwnCredentials() {
    TransportUrl url = TransportUrl.parse("rabbit://user:p%40ss%3Aword@rabbit1:5672,user:pw2@rabbit2:5673,"
        + "user:pw3@[fd00::1]:5674/vh?ssl=1&heartbeat_timeout_threshold=10");

    assertThat(url.hosts()).containsExactly(
        new Host("rabbit1", 5672, "user", "p@ss:word"),
        new Host("rabbit2", 5673, "user", "pw2"),
        new Host("fd00::1", 5674, "user", "pw3"));
    assertThat(url.virtualHost()).isEqualTo("vh");
    assertThat(url.options()).containsExactly(Map.entry("ssl", "1"), Map.entry("heartbeat_timeout_threshold", "10"));
    assertThat(url.option("ssl")).contains("1");
    assertThat(url.option("nope")).isEmpty();
  }

  @Test
  void missingPortIsMinusOneAndPortOrAppliesTheDefault() {
    TransportUrl url = TransportUrl.parse("rabbit://user:pw@host1,host2:5673/");

    Host first = url.hosts().get(0);
    Host second = url.hosts().get(1);
    assertThat(first).isEqualTo(new Host("host1", -1, "user", "pw"));
    assertThat(first.portOr(5672)).isEqualTo(5672);
    assertThat(second).isEqualTo(new Host("host2", 5673, null, null));
    assertThat(second.portOr(5672)).isEqualTo(5673);
    assertThat(url.virtualHost()).isEqualTo("/");
  }

  @Test
  void ipv6HostWithoutPort() {
    Host host = TransportUrl.parse("rabbit://[::1]/").hosts().get(0);

    assertThat(host.hostname()).isEqualTo("::1");
    assertThat(host.port()).isEqualTo(-1);
    assertThat(host.toString()).isEqualTo("[::1]");
  }

  @Test
  void hostWithoutCredentialsAndQueryOptions() {
    TransportUrl url = TransportUrl.parse(
        "rabbit://host/vhost?kombu_missing_consumer_retry_timeout=5&amqp_durable_queues=true");

    assertThat(url.hosts()).containsExactly(new Host("host", -1, null, null));
    assertThat(url.virtualHost()).isEqualTo("vhost");
    assertThat(url.options()).containsExactly(Map.entry("kombu_missing_consumer_retry_timeout", "5"),
        Map.entry("amqp_durable_queues", "true"));
  }

  @Test
  void userWithoutPasswordHasNullPassword() {
    Host host = TransportUrl.parse("rabbit://alice@host:5672/").hosts().get(0);

    assertThat(host.username()).isEqualTo("alice");
    assertThat(host.password()).isNull();
  }

  @Test
  void credentialsEndAtTheLastAt() {
    Host host = TransportUrl.parse("rabbit://user:p@ss@host:5672/").hosts().get(0);

    assertThat(host.username()).isEqualTo("user");
    assertThat(host.password()).isEqualTo("p@ss");
    assertThat(host.hostname()).isEqualTo("host");
  }

  @Test
  void plusIsNotASpace() {
    Host host = TransportUrl.parse("rabbit://user:a+b@host/").hosts().get(0);

    assertThat(host.password()).isEqualTo("a+b");
  }

  @Test
  void repeatedQueryNamesAreJoinedWithComma() {
    TransportUrl url = TransportUrl.parse("rabbit://host/?a=1&b=x&a=2&a=3");

    assertThat(url.options()).containsExactly(Map.entry("a", "1,2,3"), Map.entry("b", "x"));
  }

  @Test
  void queryValuesArePercentDecoded() {
    TransportUrl url = TransportUrl.parse("rabbit://host/?name=a%26b%3Dc");

    assertThat(url.option("name")).contains("a&b=c");
  }

  @Test
  void schemeIsLowerCased() {
    assertThat(TransportUrl.parse("RABBIT://host/").scheme()).isEqualTo("rabbit");
    assertThat(TransportUrl.parse("memory://").scheme()).isEqualTo("memory");
  }

  @Test
  void withOptionReturnsACopy() {
    TransportUrl url = TransportUrl.parse("rabbit://host/?a=1");

    TransportUrl copy = url.withOption("a", "2").withOption("b", "3");

    assertThat(url.options()).containsExactly(Map.entry("a", "1"));
    assertThat(copy.options()).containsExactly(Map.entry("a", "2"), Map.entry("b", "3"));
    assertThat(copy.hosts()).isEqualTo(url.hosts());
  }

  @Test
  void equalUrlsAreEqual() {
    assertThat(TransportUrl.parse("rabbit://u:p@h:1/v?a=1")).isEqualTo(TransportUrl.parse("rabbit://u:p@h:1/v?a=1"))
        .hasSameHashCodeAs(TransportUrl.parse("rabbit://u:p@h:1/v?a=1"));
    assertThat(TransportUrl.parse("rabbit://u:p@h:1/v")).isNotEqualTo(TransportUrl.parse("rabbit://u:q@h:1/v"));
  }

  @Test
  void optionsAreUnmodifiable() {
    TransportUrl url = TransportUrl.parse("rabbit://h/?a=1");

    assertThatThrownBy(() -> url.options().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> url.hosts().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- toString never prints a password

  @Test
  void toStringHidesEveryPassword() {
    TransportUrl url = TransportUrl.parse("rabbit://user:p%40ss%3Aword@rabbit1:5672,user:pw2@rabbit2:5673,"
        + "user:pw3@[fd00::1]:5674/vh?ssl=1&heartbeat_timeout_threshold=10");

    assertThat(url.toString()).isEqualTo("rabbit://user:****@rabbit1:5672,user:****@rabbit2:5673,user:****@[fd00::1]:5674"
        + "/vh?ssl=1&heartbeat_timeout_threshold=10");
  }

  @Test
  void toStringHidesSecretLookingQueryValues() {
    TransportUrl url = TransportUrl.parse(
        "rabbit://h/?ssl_key_password=kp1&client_secret=cs1&auth_token=tk1&ssl_ca_file=/etc/ca.pem");

    assertThat(url.toString())
        .doesNotContain("kp1", "cs1", "tk1")
        .contains("ssl_key_password=****", "client_secret=****", "auth_token=****")
        .contains("ssl_ca_file=%2Fetc%2Fca.pem");
  }

  @Test
  void toStringShowsUserAndDefaultVirtualHost() {
    assertThat(TransportUrl.parse("rabbit://alice@host/").toString()).isEqualTo("rabbit://alice@host/");
    assertThat(TransportUrl.parse("rabbit://").toString()).isEqualTo("rabbit:///");
    assertThat(TransportUrl.parse("rabbit://h/%2F").toString()).isEqualTo("rabbit://h/");
  }

  @Test
  void toStringOfAParsedUrlParsesBackToTheSameUrlWithoutPasswords() {
    TransportUrl url = TransportUrl.parse("rabbit://a%20b:pw@h:1,h2/v%2Fx?k=a%26b");

    TransportUrl back = TransportUrl.parse(url.toString());

    assertThat(back.hosts().get(0).username()).isEqualTo("a b");
    assertThat(back.hosts().get(1)).isEqualTo(url.hosts().get(1));
    assertThat(back.virtualHost()).isEqualTo("v/x");
    assertThat(back.options()).isEqualTo(url.options());
  }

  // ---- errors

  @ParameterizedTest
  @ValueSource(strings = {
      "rabbit://user:s3cr3t@host:99999/",
      "rabbit://user:s3cr3t@host:0/",
      "rabbit://user:s3cr3t@host:-1/",
      "rabbit://user:s3cr3t@host:abc/",
      "rabbit://user:s3cr3t@host1:5672,user:s3cr3t@host2:x/",
      "rabbit://user:s3cr3t@[fd00::1:5672/",
      "rabbit://user:s3cr3t@[fd00::1]x/",
      "rabbit://user:s3cr3t@:5672/",
      "rabbit://user:s3cr3t@host1,,host2/",
      "user:s3cr3t@localhost:5672",
      "rabbit:/user:s3cr3t@localhost:5672/",
      "rabbit://user:s3c@r3t@host:abc/",
      "rabbit://user:s3cr3t%@host/",
      "rabbit://user:s3cr3t%zz@host/",
  })
  void invalidUrlIsRejectedWithoutShowingThePassword(String input) {
    assertThatThrownBy(() -> TransportUrl.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid transport URL '")
        .message().doesNotContain("s3cr3t", "s3c", "r3t");
  }

  @Test
  void invalidPortMessageNamesThePortAndHost() {
    assertThatThrownBy(() -> TransportUrl.parse("rabbit://user:pw@host:99999/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid transport URL 'rabbit://user:****@host:99999/': port '99999' of host host is not a number "
            + "from 1 to 65535");
  }

  @Test
  void urlWithoutSchemeNamesTheExpectedForm() {
    assertThatThrownBy(() -> TransportUrl.parse("localhost:5672"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid transport URL 'localhost:5672': expected scheme://[user[:pass]@]host[:port][,...]/[vhost]"
            + "[?k=v&...], e.g. rabbit://guest:guest@localhost:5672/");
  }

  @Test
  void nullUrlIsRejected() {
    assertThatThrownBy(() -> TransportUrl.parse(null)).isInstanceOf(NullPointerException.class);
  }
}
