package io.fjord.rpc;

/**
 * What a transport's driver can do. A driver declares its capabilities ({@link Transport#capabilities()});
 * a builder that needs one the driver lacks fails at {@code build()} with an
 * {@link UnsupportedCapabilityException} naming both, as oslo's {@code require_features} does, instead of
 * failing later on the first message.
 */
public enum Capability {
  /** Calls and casts: requests to a topic, to one server and to every server, with replies to the caller. */
  RPC,
  /** Notifications: publishing to {@code <topic>.<priority>} and consuming them, alone or in pools. */
  NOTIFICATIONS,
  /** A rejected message can go back to its queue to be delivered again (notification listeners' requeue). */
  REQUEUE,
  /**
   * The broker itself counts deliveries of a message and stops redelivering it after a limit (RabbitMQ
   * quorum queues' {@code x-delivery-limit}); without it, Fjord counts redeliveries it can see.
   */
  DELIVERY_LIMIT,
  /** A call's request expires on the broker at the call's timeout, so no server runs it after the caller gave up. */
  EXPIRATION,
  /** The broker confirms each publish, so a send completes only once the broker holds the message. */
  PUBLISHER_CONFIRMS
}
