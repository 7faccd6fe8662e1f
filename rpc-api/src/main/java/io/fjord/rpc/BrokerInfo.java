package io.fjord.rpc;

import java.util.Objects;

/**
 * What a {@link Transport} knows about the broker it is connected to, as the broker announced it
 * when the connection opened (RabbitMQ's server properties): product and version, e.g. RabbitMQ
 * 4.0.5, or {@code memory} for the in-process transport. Immutable and thread-safe.
 *
 * @param product the broker's product name, e.g. {@code RabbitMQ}
 * @param version its version as announced, e.g. {@code 4.0.5}; {@code unknown} when it named none
 */
public record BrokerInfo(String product, String version) {

  public BrokerInfo {
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(version, "version");
  }

  /**
   * True when {@link #version()} is at least {@code major.minor}; false when it is not a dotted
   * version.
   */
  public boolean isAtLeast(int major, int minor) {
    String[] parts = version.split("[.+-]");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return product + " " + version;
  }
}
