package io.fjord.interop;

/**
 * {@link OsloFunctionalSuiteContract}: oslo.messaging 14.0.3's own functional suite on the host's
 * {@code /usr/bin/python3} against Fjord on the system RabbitMQ 3.10, with oslo's default options
 * ({@link OsloSetup#RABBITMQ_3_HOST}).
 */
class OsloFunctionalSuiteIT extends OsloFunctionalSuiteContract {
  OsloFunctionalSuiteIT() {
    super(OsloSetup.RABBITMQ_3_HOST);
  }
}
