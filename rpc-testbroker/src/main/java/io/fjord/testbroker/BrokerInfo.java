package io.fjord.testbroker;

import io.fjord.rpc.TransportUrl;

/**
 * A test broker as discovery found it: its transport URL, the version it announces in its server
 * properties, and how it was found (for failure messages and logs). {@link #toString()} never shows
 * the password. Immutable.
 *
 * @param url the transport URL ({@code rabbit://...}), with credentials
 * @param version the broker's {@code version} server property, e.g. {@code 4.0.5}
 * @param source how discovery found it, e.g. {@code $FJORD_TEST_AMQP4_URL} or {@code 127.0.0.1:5700}
 */
public record BrokerInfo(String url, String version, String source) {

  /** The major version, e.g. 4 for {@code 4.0.5}; 0 when the version is not a number. */
  public int majorVersion() {
    try {
      return Integer.parseInt(version.substring(0, version.indexOf('.') < 0 ? version.length() : version.indexOf('.')));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "RabbitMQ " + version + " at " + TransportUrl.parse(url) + " (" + source + ")";
  }
}
