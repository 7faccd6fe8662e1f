package io.fjord.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Spring Boot's start-up report for a missing {@code fjord.transport-url}: what is wrong and how to fix it. */
final class TransportUrlFailureAnalyzer extends AbstractFailureAnalyzer<TransportUrlMissingException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, TransportUrlMissingException cause) {
    return new FailureAnalysis("Fjord needs a transport URL to open its Transport, and none is configured.",
        "Set fjord.transport-url (or FJORD_TRANSPORT_URL), e.g. fjord.transport-url=rabbit://user:pass@localhost:5672/ "
            + "for RabbitMQ, or fjord.transport-url=memory:// to run in-process without a broker; or define a "
            + "Transport bean of your own.", cause);
  }
}
