package io.fjord.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link IntrospectionInteropContract} on the system RabbitMQ 3.10 with the host's oslo.messaging 14.0.3 and oslo's
 * default options (see {@link OsloSetup#RABBITMQ_3_HOST}).
 */
class IntrospectionInteropIT extends IntrospectionInteropContract {
  @RegisterExtension
  static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.RABBITMQ_3_HOST);

  IntrospectionInteropIT() {
    super(FIXTURE);
  }
}
