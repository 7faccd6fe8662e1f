package io.fjord.rpc;

import java.util.Objects;

/**
 * Where a message goes or where a server listens, in oslo's terms: an exchange (null = the
 * transport's control exchange, {@code openstack} by default), a topic, optionally one server on
 * that topic, an endpoint namespace and version, and the fanout flag.
 *
 * <table>
 *   <caption>What each use needs</caption>
 *   <tr><th>use</th><th>needs</th></tr>
 *   <tr><td>call / cast</td><td>topic</td></tr>
 *   <tr><td>cast to one server</td><td>topic and server</td></tr>
 *   <tr><td>fanout cast</td><td>topic (fanout wins over server, as in oslo)</td></tr>
 *   <tr><td>RPC server</td><td>topic and server</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe: every {@code withX} returns a copy.
 */
public final class Target {
  private final String exchange;
  private final String topic;
  private final String server;
  private final String namespace;
  private final String version;
  private final Version parsedVersion;
  private final boolean fanout;

  private Target(String exchange, String topic, String server, String namespace, String version, boolean fanout) {
    this.exchange = blankToNull(exchange, "exchange");
    this.topic = blankToNull(topic, "topic");
    this.server = blankToNull(server, "server");
    this.namespace = namespace;
    this.parsedVersion = version == null ? null : Version.parse(version);
    this.version = version;
    this.fanout = fanout;
  }

  private static String blankToNull(String value, String what) {
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  /** An empty target (everything unset), the start for {@code withX} chains. */
  public static Target empty() {
    return new Target(null, null, null, null, null, false);
  }

  /** A target for {@code topic} on the transport's control exchange. */
  public static Target topic(String topic) {
    Objects.requireNonNull(topic, "topic");
    return new Target(null, topic, null, null, null, false);
  }

  /** Exchange name, or null for the transport's control exchange. */
  public String exchange() {
    return exchange;
  }

  public String topic() {
    return topic;
  }

  /** Server name, or null for "any server on the topic". */
  public String server() {
    return server;
  }

  /** Endpoint namespace, or null for the default (none). */
  public String namespace() {
    return namespace;
  }

  /** Interface version as {@code X.Y[.Z]}, or null (servers then assume 1.0). */
  public String version() {
    return version;
  }

  /** {@link #version()} parsed once, when the target was made; null when there is none. */
  public Version parsedVersion() {
    return parsedVersion;
  }

  public boolean fanout() {
    return fanout;
  }

  public Target withExchange(String exchange) {
    return new Target(exchange, topic, server, namespace, version, fanout);
  }

  public Target withTopic(String topic) {
    return new Target(exchange, topic, server, namespace, version, fanout);
  }

  public Target withServer(String server) {
    return new Target(exchange, topic, server, namespace, version, fanout);
  }

  public Target withNamespace(String namespace) {
    return new Target(exchange, topic, server, namespace, version, fanout);
  }

  /** @throws IllegalArgumentException when {@code version} is not {@code X.Y[.Z]} */
  public Target withVersion(String version) {
    return new Target(exchange, topic, server, namespace, version, fanout);
  }

  public Target withFanout(boolean fanout) {
    return new Target(exchange, topic, server, namespace, version, fanout);
  }

  /** Checks that this target can receive a call: a topic and no fanout. */
  public Target requireCallable(String method) {
    if (topic == null) {
      throw new InvalidTargetException("A call needs a topic: cannot call '" + method + "' on " + this, this);
    }
    if (fanout) {
      throw new InvalidTargetException("A call cannot go to a fanout target (use cast): cannot call '" + method
          + "' on " + this, this);
    }
    return this;
  }

  /** Checks that this target can receive a cast: a topic. */
  public Target requireCastable(String method) {
    if (topic == null) {
      throw new InvalidTargetException("A cast needs a topic: cannot cast '" + method + "' to " + this, this);
    }
    return this;
  }

  /** Checks that an RPC server can listen on this target: a topic and a server. */
  public Target requireListenable() {
    if (topic == null || server == null) {
      throw new InvalidTargetException("An RPC server needs a target with a topic and a server, got " + this
          + " (hint: Target.topic(\"t\").withServer(\"host-1\"))", this);
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Target t && fanout == t.fanout && Objects.equals(exchange, t.exchange)
        && Objects.equals(topic, t.topic) && Objects.equals(server, t.server)
        && Objects.equals(namespace, t.namespace) && Objects.equals(version, t.version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(exchange, topic, server, namespace, version, fanout);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Target{");
    String sep = "";
    if (exchange != null) { sb.append("exchange=").append(exchange); sep = ", "; }
    if (topic != null) { sb.append(sep).append("topic=").append(topic); sep = ", "; }
    if (server != null) { sb.append(sep).append("server=").append(server); sep = ", "; }
    if (namespace != null) { sb.append(sep).append("namespace=").append(namespace); sep = ", "; }
    if (version != null) { sb.append(sep).append("version=").append(version); sep = ", "; }
    if (fanout) { sb.append(sep).append("fanout=true"); }
    return sb.append('}').toString();
  }
}
