package io.fjord.rpc;

import java.util.Objects;

/**
 * A client, server, notifier or listener needs a {@link Capability} that its transport's driver does not
 * have; thrown by {@code build()}, before anything is sent or consumed.
 */
public class UnsupportedCapabilityException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final transient Capability capability;
  private final String scheme;

  public UnsupportedCapabilityException(String message, Capability capability, String scheme) {
    super(message);
    this.capability = Objects.requireNonNull(capability, "capability");
    this.scheme = scheme;
  }

  /** The capability that was needed. */
  public Capability capability() {
    return capability;
  }

  /** The URL scheme of the transport whose driver lacks it. */
  public String scheme() {
    return scheme;
  }
}
