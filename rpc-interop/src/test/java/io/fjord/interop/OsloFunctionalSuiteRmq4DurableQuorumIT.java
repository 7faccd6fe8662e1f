package io.fjord.interop;

/**
 * {@link OsloFunctionalSuiteContract}: trixie's oslo.messaging 16.1 functional suite, run in the RabbitMQ 4.x
 * chroot, against Fjord on the 4.x node with RabbitMQ 4.3's rules, both sides with
 * {@code amqp_durable_queues} and {@code rabbit_transient_quorum_queue} ({@link OsloSetup#RABBITMQ_4_DURABLE_QUORUM}).
 */
class OsloFunctionalSuiteRmq4DurableQuorumIT extends OsloFunctionalSuiteContract {
  OsloFunctionalSuiteRmq4DurableQuorumIT() {
    super(OsloSetup.RABBITMQ_4_DURABLE_QUORUM);
  }
}
