package io.fjord.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link IntrospectionInteropContract} on RabbitMQ 4.x (4.3 rules) with oslo.messaging 16.1,
 * {@code amqp_durable_queues} and {@code rabbit_transient_quorum_queue} (see
 * {@link OsloSetup#RABBITMQ_4_DURABLE_QUORUM}).
 */
class IntrospectionInteropRmq4DurableQuorumIT extends IntrospectionInteropContract {
  @RegisterExtension
  static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.RABBITMQ_4_DURABLE_QUORUM);

  IntrospectionInteropRmq4DurableQuorumIT() {
    super(FIXTURE);
  }
}
