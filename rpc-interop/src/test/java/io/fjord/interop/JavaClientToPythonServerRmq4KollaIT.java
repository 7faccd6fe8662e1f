package io.fjord.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JavaClientToPythonServerContract} on RabbitMQ 4.x (4.3 rules) with oslo.messaging 16.1 and
 * Kolla-Ansible's options (see {@link OsloSetup#RABBITMQ_4_KOLLA}).
 */
class JavaClientToPythonServerRmq4KollaIT extends JavaClientToPythonServerContract {
  @RegisterExtension
  static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.RABBITMQ_4_KOLLA);

  JavaClientToPythonServerRmq4KollaIT() {
    super(FIXTURE);
  }
}
