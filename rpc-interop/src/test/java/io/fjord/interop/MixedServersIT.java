package io.fjord.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link MixedServersContract} on the system RabbitMQ 3.10 with the host's oslo.messaging 14.0.3 and oslo's
 * default options (see {@link OsloSetup#RABBITMQ_3_HOST}).
 */
class MixedServersIT extends MixedServersContract {
  @RegisterExtension
  static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.RABBITMQ_3_HOST);

  MixedServersIT() {
    super(FIXTURE);
  }
}
