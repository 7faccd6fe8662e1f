package io.fjord.rpc.spi;

import io.fjord.rpc.Capability;
import io.fjord.rpc.Target;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One open driver: what a {@link io.fjord.rpc.Transport} opened from one URL uses to move messages.
 * Opened by a {@link DriverProvider}.
 *
 * <p>A driver moves opaque bodies (UTF-8 JSON, already in oslo's envelope, see docs/wire-format.md) and
 * owns whatever its medium needs to route them (for RabbitMQ: exchanges, queues and bindings, described in
 * the AMQP driver). This contract states only delivery semantics:
 * <ul>
 *   <li><b>Groups.</b> Requests for a {@link Target} with a topic and no server go to exactly one of the
 *       servers listening on that topic; with a server, to that server; with {@code fanout}, to every
 *       server listening on the topic at the time. Notifications for {@code <topic>.<priority>} go to every
 *       listener without a pool and to one listener of each pool.</li>
 *   <li><b>Persistence.</b> A request or notification sent before anyone listens waits for its first
 *       listener (fanout requests excepted: they reach only current listeners).</li>
 *   <li><b>Completion.</b> A send's future completes when the driver has handed the message over for good
 *       (a publisher confirm, with {@link Capability#PUBLISHER_CONFIRMS}), or exceptionally with a
 *       {@link io.fjord.rpc.MessagingException}, always by {@link SendOptions#deadline()}.</li>
 *   <li><b>Acknowledgement.</b> A delivered message stays the driver's until {@link IncomingMessage#ack()}
 *       or {@link IncomingMessage#reject(boolean)}; unsettled messages of a stopped or broken listener are
 *       delivered again (to another listener of the group, when there is one).</li>
 * </ul>
 *
 * <p>A driver declares what it supports in {@link #capabilities()}; Fjord's builders refuse to build what
 * needs a missing capability, and never call the methods of a capability the driver lacks.
 *
 * <p>Thread-safe: every method may be called from any thread, concurrently. Handlers are called on the
 * driver's threads and MUST NOT block; the API layer hands real work to executors.
 */
public interface Driver extends AutoCloseable {

  /**
   * What this driver supports. MUST NOT change while the driver is open. A driver without
   * {@link Capability#RPC} need not implement the RPC methods; one without
   * {@link Capability#NOTIFICATIONS} need not implement the notification methods.
   */
  Set<Capability> capabilities();

  /**
   * Sends an RPC request (call or cast) to the group of {@code target} (see the class doc).
   * SHOULD NOT block the calling thread beyond handing the message to the network.
   *
   * <p>Its future fails with {@link io.fjord.rpc.DeliveryFailureException} when the message was refused
   * or, with {@link SendOptions#mandatory()}, when no listener's queue took it; with
   * {@link io.fjord.rpc.TransportException} when it could not be sent by the deadline.
   */
  default CompletableFuture<Void> send(Target target, byte[] body, SendOptions options) {
    throw unsupported(Capability.RPC);
  }

  /**
   * Sends a reply or heartbeat to the reply address {@code replyQueue} named in a request. The future fails
   * with {@link io.fjord.rpc.DeliveryFailureException} when that address no longer exists (after any retries
   * the driver makes).
   */
  default CompletableFuture<Void> sendReply(String replyQueue, byte[] body) {
    throw unsupported(Capability.RPC);
  }

  /**
   * Opens this transport's reply address and starts receiving from it; called at most once per
   * driver, lazily, before the first call is sent. Returns the address, which SHOULD stay the same for
   * the life of the driver; a driver that cannot receive from it again opens another and tells
   * {@link ReplyHandler#onReplyQueueMoved}. {@code handler} is called for every message, on a driver thread,
   * serially.
   */
  default String openReplyQueue(ReplyHandler handler) {
    throw unsupported(Capability.RPC);
  }

  /**
   * Starts receiving the requests for an RPC server on {@code target} (topic and server set): those for
   * its topic group, for its server name, and fanout requests to its topic. Messages stay unsettled until
   * the handler's code acknowledges them. {@code handler} is called on driver threads and MUST NOT block.
   * A driver SHOULD bound the unsettled deliveries it hands each consumer (a prefetch, keeping the rest in the
   * queue): an RPC server at its in-progress limit holds requests unsettled until a slot frees, and relies on
   * that bound for backpressure.
   */
  default DriverListener listen(Target target, MessageHandler handler) {
    throw unsupported(Capability.RPC);
  }

  /**
   * Sends a notification of {@code priority} on {@code target}'s topic (routing name
   * {@code <topic>.<priority>}) so that it persists until a listener takes it. Completion as for
   * {@link #send}.
   *
   * @param priority the lower-case priority, e.g. {@code info}
   */
  default CompletableFuture<Void> sendNotification(Target target, String priority, byte[] body, SendOptions options) {
    throw unsupported(Capability.NOTIFICATIONS);
  }

  /**
   * Receives the notifications of every target and priority: as a member of {@code pool} (listeners of
   * one pool share the notifications), or on its own when {@code pool} is null. Acknowledgement is the
   * caller's, after processing. {@code handler} is called on driver threads and MUST NOT block.
   *
   * @param priorities lower-case priorities
   * @param pool the pool's name, or null
   */
  default DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                                MessageHandler handler) {
    throw unsupported(Capability.NOTIFICATIONS);
  }

  /**
   * As {@link #listenForNotifications(List, Set, String, MessageHandler)}, for a listener that holds up to
   * {@code unsettled} messages unsettled at once before it settles any (a batch listener: its batch size). A
   * driver that limits the messages in flight per consumer (RabbitMQ's prefetch) MUST let at least
   * {@code unsettled} through, or such a listener waits for messages the driver holds back. The default
   * ignores {@code unsettled}, right for a driver without such a limit.
   *
   * @param unsettled how many messages the listener may hold unsettled; 0 when it settles each on its own
   */
  default DriverListener listenForNotifications(List<Target> targets, Set<String> priorities, String pool,
                                                int unsettled, MessageHandler handler) {
    return listenForNotifications(targets, priorities, pool, handler);
  }

  /**
   * The broker this driver is connected to, as it announced itself; drivers that know nothing
   * about it return {@code BrokerInfo("unknown", "unknown")}. MUST NOT block.
   */
  default io.fjord.rpc.BrokerInfo brokerInfo() {
    return new io.fjord.rpc.BrokerInfo("unknown", "unknown");
  }

  /**
   * Whether the driver is connected now: false while it reconnects and after {@link #close()}. For health
   * checks; MUST NOT block. Default: true (a driver without connections).
   */
  default boolean isConnected() {
    return true;
  }

  /**
   * Closes connections; MUST return within a bounded time (about 10 s at most) even when the
   * broker is unreachable. Idempotent.
   */
  @Override
  void close();

  private UnsupportedOperationException unsupported(Capability capability) {
    return new UnsupportedOperationException(getClass().getName() + " does not support " + capability);
  }
}
