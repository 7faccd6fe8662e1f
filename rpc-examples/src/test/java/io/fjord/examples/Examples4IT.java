package io.fjord.examples;

import io.fjord.amqp.TestBroker;
import io.fjord.testbroker.Rabbit4Chroot;
import io.fjord.testbroker.TestBrokers;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/**
 * Every example on RabbitMQ 4.x with RabbitMQ 4.3's rules, with Fjord's default options: what it
 * printed, and that it deleted what it declared (durable classic queues there, which nothing else
 * would delete). On the project's own node, the virtual-hosts example manages it with the chroot's
 * rabbitmqctl ({@code .ci/rabbitmq4 ctl}).
 */
@Tag("rabbitmq4")
class Examples4IT extends ExamplesIT {

  @Override
  protected String brokerUrl() {
    return TestBroker.rabbit4Url();
  }

  @Override
  protected String rabbitmqctl() {
    Path script = Rabbit4Chroot.script();
    boolean projectNode = TestBrokers.rabbit4().url().contains("@127.0.0.1:" + Rabbit4Chroot.port() + "/");
    return projectNode && script != null && Rabbit4Chroot.runningAsRoot() ? "bash " + script + " ctl" : null;
  }
}
