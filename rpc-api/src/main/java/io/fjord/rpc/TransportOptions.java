package io.fjord.rpc;

import io.fjord.rpc.serializer.JacksonSerializer;
import io.fjord.rpc.serializer.PayloadSerializer;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Transport} that are not part of its URL: the control exchange, the payload
 * serializer, the connection name shown by the broker and the close timeout. Broker-level knobs
 * (heartbeat, prefetch, confirms, TLS, durability) are URL query options of the driver.
 *
 * <p>Immutable and thread-safe.
 */
public final class TransportOptions {
  private static final TransportOptions DEFAULTS = builder().build();

  private final String controlExchange;
  private final PayloadSerializer serializer;
  private final String connectionName;
  private final Duration closeTimeout;
  private final Deadline.Clock clock;

  private TransportOptions(Builder b) {
    this.controlExchange = b.controlExchange;
    this.serializer = b.serializer;
    this.connectionName = b.connectionName;
    this.closeTimeout = b.closeTimeout;
    this.clock = b.clock;
  }

  /** Defaults: control exchange {@code openstack}, {@link JacksonSerializer#create()}, close timeout 10 s. */
  public static TransportOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** oslo's {@code control_exchange}: the exchange of targets that name none. Default {@code openstack}. */
  public String controlExchange() {
    return controlExchange;
  }

  public PayloadSerializer serializer() {
    return serializer;
  }

  /** Name the broker shows for this transport's connections. Default {@code fjord}. */
  public String connectionName() {
    return connectionName;
  }

  /** How long {@link Transport#close()} waits for in-flight work. Default 10 s. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** The clock deadlines are read on ({@link Deadline.Clock#SYSTEM} unless a test replaced it). */
  public Deadline.Clock clock() {
    return clock;
  }

  public Builder toBuilder() {
    return new Builder().controlExchange(controlExchange).serializer(serializer)
        .connectionName(connectionName).closeTimeout(closeTimeout).clock(clock);
  }

  @Override
  public String toString() {
    return "TransportOptions{controlExchange=" + controlExchange + ", connectionName=" + connectionName
        + ", closeTimeout=" + closeTimeout + "}";
  }

  /** Builds {@link TransportOptions}; not thread-safe. */
  public static final class Builder {
    private String controlExchange = "openstack";
    private PayloadSerializer serializer = JacksonSerializer.create();
    private String connectionName = "fjord";
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Deadline.Clock clock = Deadline.Clock.SYSTEM;

    private Builder() {
    }

    public Builder controlExchange(String controlExchange) {
      if (controlExchange == null || controlExchange.isBlank()) {
        throw new IllegalArgumentException("controlExchange must not be blank");
      }
      this.controlExchange = controlExchange;
      return this;
    }

    public Builder serializer(PayloadSerializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    public Builder connectionName(String connectionName) {
      this.connectionName = Objects.requireNonNull(connectionName, "connectionName");
      return this;
    }

    public Builder closeTimeout(Duration closeTimeout) {
      if (closeTimeout == null || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must be zero or positive, got " + closeTimeout);
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * The clock the deadlines of calls, casts and notifications are read on; for tests that advance time
     * themselves instead of waiting. Default {@link Deadline.Clock#SYSTEM}.
     */
    public Builder clock(Deadline.Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public TransportOptions build() {
      return new TransportOptions(this);
    }
  }
}
