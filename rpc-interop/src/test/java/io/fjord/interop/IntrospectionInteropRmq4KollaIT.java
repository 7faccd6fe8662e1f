package io.fjord.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link IntrospectionInteropContract} on RabbitMQ 4.x (4.3 rules) with oslo.messaging 16.1 and
 * Kolla-Ansible's options (see {@link OsloSetup#RABBITMQ_4_KOLLA}).
 */
class IntrospectionInteropRmq4KollaIT extends IntrospectionInteropContract {
  @RegisterExtension
  static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.RABBITMQ_4_KOLLA);

  IntrospectionInteropRmq4KollaIT() {
    super(FIXTURE);
  }
}
