package io.fjord.amqp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Fjord declares on the broker, decided once per transport from its options and the broker's
 * rules: oslo's objects, names and flags wherever an oslo peer shares them (docs/brokers in the
 * README, docs/wire-format.md §6), and, where oslo's choice is refused by RabbitMQ 4.3, a choice that is
 * valid on every broker from 3.10 on:
 *
 * <ul>
 *   <li>shared queues ({@code <topic>}, {@code <topic>.<server>}, notification and pool queues) and
 *       the topic exchange: durable when {@code amqp_durable_queues} or {@code rabbit_quorum_queue}
 *       says so; without either, durable exactly when the broker refuses transient non-exclusive
 *       queues (RabbitMQ 4.3's default), else transient as oslo's defaults;</li>
 *   <li>reply and fanout queues: quorum with {@code x-expires} under
 *       {@code rabbit_transient_quorum_queue} (oslo's), one stream per topic under
 *       {@code rabbit_stream_fanout} (oslo's), otherwise <b>exclusive</b>: valid everywhere, gone
 *       with their connection, never leaked, re-declared after a reconnect (oslo declares them
 *       transient and non-exclusive, which 4.3 refuses; no oslo peer declares them, so none sees a
 *       difference).</li>
 * </ul>
 *
 * Pure: nothing here talks to the broker ({@link Declarer} does). Immutable and thread-safe.
 */
final class Topology {

  /** The queue types Fjord declares. */
  enum Kind { CLASSIC, QUORUM, STREAM }

  /** What a declared object is for: decides which options an error message suggests. */
  enum Role { TOPIC_EXCHANGE, FANOUT_EXCHANGE, SHARED_QUEUE, NOTIFICATION_QUEUE, REPLY_QUEUE, FANOUT_QUEUE }

  /** An exchange declaration. */
  record Exchange(String name, String type, boolean durable, boolean autoDelete, Role role) {
    String flags() {
      return "type=" + type + ", durable=" + durable + ", auto_delete=" + autoDelete;
    }
  }

  /**
   * A queue declaration. {@code kept}: Fjord never deletes it (shared queues, queue-manager names,
   * the fanout stream); the others it deletes when the server or transport closes.
   */
  record Queue(String name, Kind kind, boolean durable, boolean exclusive, boolean autoDelete, Map<String, Object> arguments,
               Role role, boolean kept) {
    Queue {
      arguments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    String flags() {
      return "durable=" + durable + ", exclusive=" + exclusive + ", auto_delete=" + autoDelete + ", arguments="
          + arguments;
    }
  }

  private final AmqpSettings settings;
  private final boolean sharedDurable;
  private final boolean transientRefused;

  /**
   * @param transientRefused whether the broker refuses transient non-exclusive queues (probed at connect;
   *     false when unknown, which only happens when no such queue would be declared anyway)
   */
  Topology(AmqpSettings settings, boolean transientRefused) {
    this.settings = settings;
    this.transientRefused = transientRefused;
    this.sharedDurable = settings.quorum || (settings.durableOption != null ? settings.durableOption : transientRefused);
  }

  /** The control (or target) exchange of RPC requests and notifications. */
  Exchange topicExchange(String name) {
    return new Exchange(name, "topic", sharedDurable, settings.autoDelete, Role.TOPIC_EXCHANGE);
  }

  /** {@code <topic>_fanout}: always auto-delete; durable with transient quorum queues, as oslo. */
  Exchange fanoutExchange(String topic) {
    return new Exchange(io.fjord.rpc.spi.Routes.fanoutExchange(topic), "fanout", settings.transientQuorum, true,
        Role.FANOUT_EXCHANGE);
  }

  /** {@code <topic>} and {@code <topic>.<server>}. */
  Queue sharedQueue(String name) {
    return shared(name, Role.SHARED_QUEUE);
  }

  /** {@code <topic>.<priority>} and pool queues: as shared queues (oslo declares them alike). */
  Queue notificationQueue(String name) {
    return shared(name, Role.NOTIFICATION_QUEUE);
  }

  private Queue shared(String name, Role role) {
    return new Queue(name, settings.quorum ? Kind.QUORUM : Kind.CLASSIC, sharedDurable, false, settings.autoDelete,
        settings.sharedQueueArguments(), role, true);
  }

  /** A client's reply queue; {@code kept} when its name is a queue manager's stable one. */
  Queue replyQueue(String name) {
    return perProcess(name, Role.REPLY_QUEUE);
  }

  /** A server's fanout queue, or under stream fanout the topic's one stream (named {@code <topic>_fanout}). */
  Queue fanoutQueue(String name) {
    if (settings.streamFanout) {
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("x-queue-type", "stream");
      if (!settings.transientQueueTtl.isZero()) {
        args.put("x-max-age", settings.transientQueueTtl.toSeconds() + "s"); // a string, as oslo sends it
      }
      return new Queue(name, Kind.STREAM, true, false, false, args, Role.FANOUT_QUEUE, true);
    }
    return perProcess(name, Role.FANOUT_QUEUE);
  }

  private Queue perProcess(String name, Role role) {
    if (settings.transientQuorum) {
      Map<String, Object> args = new LinkedHashMap<>();
      settings.putQuorum(args);
      if (!settings.transientQueueTtl.isZero()) {
        args.put("x-expires", (int) settings.transientQueueTtl.toMillis());
      }
      return new Queue(name, Kind.QUORUM, true, false, false, args, role, settings.queueManager);
    }
    return new Queue(name, Kind.CLASSIC, false, true, false, Map.of(), role, settings.queueManager);
  }

  /** Consumer arguments for {@code queue} (stream offsets are added by the subscription). */
  Map<String, Object> consumerArguments(Queue queue) {
    if (queue.kind() != Kind.STREAM && settings.cancelOnFailover) {
      return Map.of("x-cancel-on-ha-failover", true);
    }
    return Map.of();
  }

  /**
   * The broker's delivery limit of {@code queue} as declared: its {@code x-delivery-limit}, else for a
   * quorum queue on RabbitMQ 4.0 or later the default of 20; empty for classic queues, streams,
   * {@code x-delivery-limit} -1 (unlimited) and quorum queues on 3.x without one.
   */
  static java.util.OptionalInt deliveryLimit(Queue queue, io.fjord.rpc.BrokerInfo broker) {
    if (queue.kind() != Kind.QUORUM) {
      return java.util.OptionalInt.empty();
    }
    Object limit = queue.arguments().get("x-delivery-limit");
    if (limit instanceof Number n) {
      return n.intValue() > 0 ? java.util.OptionalInt.of(n.intValue()) : java.util.OptionalInt.empty();
    }
    return broker.isAtLeast(4, 0) ? java.util.OptionalInt.of(20) : java.util.OptionalInt.empty();
  }

  /** One line for the start-up log: what this transport declares, and why. */
  String describe() {
    String shared = (settings.quorum ? "quorum" : sharedDurable ? "durable classic" : "transient classic")
        + " shared queues" + (settings.durableGiven() ? "" : transientRefused
            ? " (the broker refuses transient non-exclusive queues)" : " (oslo's default)");
    String perProcess = settings.transientQuorum ? "quorum reply and fanout queues" : "exclusive reply and fanout queues";
    if (settings.streamFanout) {
      perProcess = "quorum reply queues, one fanout stream per topic";
    }
    return shared + ", " + perProcess + (settings.queueManager ? " with stable names (use_queue_manager)" : "");
  }
}
