package io.fjord.spring.boot;

/**
 * Thrown at start-up when no transport URL is configured: Fjord never picks a broker, or {@code memory://},
 * on its own. {@link TransportUrlFailureAnalyzer} turns it into Spring Boot's start-up failure report.
 */
public final class TransportUrlMissingException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  TransportUrlMissingException() {
    super("No Fjord transport URL: set the property fjord.transport-url (or the environment variable "
        + "FJORD_TRANSPORT_URL), e.g. rabbit://user:pass@localhost:5672/, or memory:// for the in-process transport");
  }
}
