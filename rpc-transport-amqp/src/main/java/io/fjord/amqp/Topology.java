package io.fjord.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/**
 * oslo's declarations with exactly its flags (WIRE.md 1.1 and pitfall 11): a peer that declares
 * the same object with other flags gets 406 PRECONDITION_FAILED, so these must match oslo's.
 */
final class Topology {
  private Topology() {
  }

  /** The control (or target) exchange: topic, durable/auto-delete per options. */
  static void topicExchange(Channel ch, String name, AmqpSettings s) throws IOException {
    ch.exchangeDeclare(name, "topic", s.durable, s.autoDelete, false, Map.of());
  }

  /** {@code <topic>_fanout}: fanout, never durable, always auto-delete. */
  static void fanoutExchange(Channel ch, String name) throws IOException {
    ch.exchangeDeclare(name, "fanout", false, true, false, Map.of());
  }

  /**
   * {@code <topic>}, {@code <topic>.<server>} and notification queues: durable/auto-delete per options;
   * no arguments by default, oslo's quorum arguments with the quorum option.
   */
  static void sharedQueue(Channel ch, String name, AmqpSettings s) throws IOException {
    ch.queueDeclare(name, s.durable, false, s.autoDelete, s.sharedQueueArguments());
  }

  /** Fanout and reply queues: not durable, not auto-delete, {@code x-expires} = transient queue TTL. */
  static void transientQueue(Channel ch, String name, AmqpSettings s) throws IOException {
    ch.queueDeclare(name, false, false, false, Map.of("x-expires", (int) s.transientQueueTtl.toMillis()));
  }
}
