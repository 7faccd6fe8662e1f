package io.fjord.examples;

import io.fjord.amqp.BrokerProfile;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Every example on RabbitMQ 4.x with RabbitMQ 4.3's rules and Kolla-Ansible's oslo options, each run
 * with a processname of its own: what it printed, and that it deleted what it declared, the quorum
 * queues, the {@code <topic>_fanout} stream and the queue manager's reply queue included.
 */
@Tag("rabbitmq4")
class Examples4KollaIT extends Examples4IT {
  private static final String HOSTNAME = "examples-it";

  @Override
  protected String profileOptions() {
    return BrokerProfile.KOLLA_OPTIONS + "&hostname=" + HOSTNAME + "&processname=" + processname();
  }

  @Override
  protected List<String> replyQueues() {
    String prefix = "reply_" + HOSTNAME + ":" + processname() + ":";
    return List.of(prefix + 1, prefix + 2);
  }

  private String processname() {
    return "ex-" + id;
  }
}
