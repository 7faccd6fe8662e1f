package io.fjord.rpc.spi;

import io.fjord.rpc.Target;

/**
 * oslo's naming rules for exchanges, routing keys and queues (docs/wire-format.md §6.1, §3.2), shared
 * by every driver so they route identically.
 */
public final class Routes {
  private Routes() {
  }

  /** The topic exchange of {@code target}: its own exchange, else the control exchange. */
  public static String exchange(Target target, String controlExchange) {
    return target.exchange() != null ? target.exchange() : controlExchange;
  }

  /** {@code <topic>} or {@code <topic>.<server>}. */
  public static String routingKey(Target target) {
    return target.server() == null ? target.topic() : target.topic() + "." + target.server();
  }

  /** {@code <topic>_fanout}, not scoped by the control exchange. */
  public static String fanoutExchange(String topic) {
    return topic + "_fanout";
  }

  /** {@code <topic>_fanout_<hex>}: one per listening server. */
  public static String fanoutQueue(String topic, String uniqueHex) {
    return topic + "_fanout_" + uniqueHex;
  }

  /** {@code reply_<hex>}. */
  public static String replyQueue(String uniqueHex) {
    return "reply_" + uniqueHex;
  }

  /** {@code <topic>.<priority>}: a notification's routing key and, without a pool, its queue. */
  public static String notificationKey(String topic, String priority) {
    return topic + "." + priority;
  }
}
