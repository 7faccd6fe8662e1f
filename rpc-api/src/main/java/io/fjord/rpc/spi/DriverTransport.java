package io.fjord.rpc.spi;

import io.fjord.rpc.Target;
import java.util.concurrent.CompletableFuture;

/**
 * One open driver: connections, channels and topology for one {@link io.fjord.rpc.Transport}.
 *
 * <p>Thread-safe: every method may be called from any thread, concurrently. Bodies are opaque
 * bytes (UTF-8 JSON in oslo's envelope); a driver MUST publish them unchanged and MUST mark them as
 * {@code application/json}, {@code utf-8} where its protocol has such properties.
 */
public interface DriverTransport extends AutoCloseable {

  /**
   * Publishes an RPC request (call or cast) to {@code target}, routed as oslo does: to the
   * exchange {@link Routes#exchange} with routing key {@link Routes#routingKey}, or, when
   * {@code target.fanout()}, to {@link Routes#fanoutExchange}. Declares the exchange first.
   *
   * <p>The future completes when the broker has taken responsibility for the message (a publisher
   * confirm where confirms are on), or exceptionally with a {@link io.fjord.rpc.MessagingException}:
   * {@link io.fjord.rpc.DeliveryFailureException} for a nack or return, {@link io.fjord.rpc.TransportException}
   * when not connected. It MUST complete by {@link SendOptions#deadline()}. SHOULD NOT block the
   * calling thread beyond handing the message to the network.
   */
  CompletableFuture<Void> send(Target target, byte[] body, SendOptions options);

  /**
   * Publishes a reply or call-monitor heartbeat to reply queue {@code replyQueue} through the
   * default exchange, mandatory. The future fails with {@link io.fjord.rpc.DeliveryFailureException}
   * when the queue does not exist (after any retries the driver makes).
   */
  CompletableFuture<Void> sendReply(String replyQueue, byte[] body);

  /**
   * Declares this transport's reply queue and starts consuming it; called at most once per
   * transport, lazily, before the first call is published. Returns the queue's name, which SHOULD stay
   * the same for the life of the transport (drivers re-declare it after reconnecting); a driver that
   * cannot consume it again declares another and tells {@link ReplyHandler#onReplyQueueMoved}.
   * {@code handler} is called for every message on the queue, on a driver thread, serially.
   */
  String openReplyQueue(ReplyHandler handler);

  /**
   * Declares what an RPC server on {@code target} (topic and server set) consumes, as oslo does: the
   * shared {@code <topic>} queue, the {@code <topic>.<server>} queue, and a per-listener queue on the
   * {@code <topic>_fanout} exchange; then consumes all three with manual acknowledgement.
   * {@code handler} is called on driver threads and MUST NOT block.
   */
  DriverListener listen(Target target, MessageHandler handler);

  /**
   * Publishes a notification as oslo's notifier does (WIRE.md 4.1): to the topic exchange
   * {@link Routes#exchange}{@code (target, controlExchange)} with routing key
   * {@link Routes#notificationKey}{@code (topic, priority)}, after declaring that exchange and a
   * queue named after the routing key bound with it, so notifications persist before any listener
   * exists. Completion as for {@link #send}.
   *
   * @param priority the lower-case priority, e.g. {@code info}
   */
  default CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body, SendOptions options) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support notifications");
  }

  /**
   * Consumes notifications (WIRE.md 4.2): for every target and priority, the queue {@code pool}
   * (when given) or {@link Routes#notificationKey}, bound to the target's exchange with
   * {@code <topic>.<priority>}. Listeners in one pool share its queue; each pool, and each
   * listener without a pool, gets every notification. {@code handler} is called on driver threads and
   * MUST NOT block; acknowledgement is the caller's (after processing).
   *
   * @param priorities lower-case priorities to bind
   * @param pool shared queue name, or null
   */
  default DriverListener listenForNotifications(java.util.List<Target> targets, java.util.Set<String> priorities,
                                                String pool, MessageHandler handler) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support notifications");
  }

  /**
   * The broker this transport is connected to, as it announced itself; drivers that know nothing
   * about it return {@code BrokerInfo("unknown", "unknown")}. MUST NOT block.
   */
  default io.fjord.rpc.BrokerInfo brokerInfo() {
    return new io.fjord.rpc.BrokerInfo("unknown", "unknown");
  }

  /**
   * Closes connections; MUST return within a bounded time (about 10 s at most) even when the
   * broker is unreachable. Idempotent.
   */
  @Override
  void close();
}
