package io.fjord.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NotificationInteropContract} on RabbitMQ 4.x (4.3 rules) with oslo.messaging 16.1 and
 * Kolla-Ansible's options (see {@link OsloSetup#RABBITMQ_4_KOLLA}).
 */
class NotificationInteropRmq4KollaIT extends NotificationInteropContract {
  @RegisterExtension
  static final InteropFixture FIXTURE = InteropFixture.on(OsloSetup.RABBITMQ_4_KOLLA);

  NotificationInteropRmq4KollaIT() {
    super(FIXTURE);
  }
}
