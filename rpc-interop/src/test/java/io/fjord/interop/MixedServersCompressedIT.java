package io.fjord.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link MixedServersContract} on the system RabbitMQ 3.10 with oslo.messaging 14.0.3, both sides
 * compressing what they publish with kombu's gzip (see {@link OsloSetup#RABBITMQ_3_COMPRESSED}): each
 * reads the other's compressed requests and replies.
 */
class MixedServersCompressedIT extends MixedServersContract {
  @RegisterExtension
  static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.RABBITMQ_3_COMPRESSED);

  MixedServersCompressedIT() {
    super(FIXTURE);
  }
}
