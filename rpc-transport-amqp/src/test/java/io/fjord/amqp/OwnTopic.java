package io.fjord.amqp;

import com.rabbitmq.client.Connection;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test against the test broker with its own control exchange and topic per test, a raw connection to
 * look at the broker, and clean-up of what a server of that topic ({@code s1}) declares.
 */
abstract class OwnTopic {

  /** An endpoint with one method. */
  public static final class Echo {
    public String echo(String v) {
      return v;
    }
  }

  protected Connection raw;
  protected String exchange;
  protected String topic;

  @BeforeEach
  void ownNames() throws Exception {
    raw = TestBroker.rawConnection();
    exchange = TestBroker.name("own_x");
    topic = TestBroker.name("own_t");
  }

  @AfterEach
  void deleteWhatTheTestDeclared() throws Exception {
    TestBroker.delete(raw, new String[] {topic, topic + ".s1", topic + "_spy"}, new String[] {exchange, topic + "_fanout"});
    raw.close();
  }

  /** The test broker's URL with {@code query} options added (none when empty). */
  protected static String withQuery(String query) {
    String url = TestBroker.url();
    return query.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + query;
  }

  /** A transport on {@code url} with this test's control exchange. */
  protected Transport openUrl(String url) {
    return Transport.open(TransportUrl.parse(url), TransportOptions.builder().controlExchange(exchange).build());
  }
}
