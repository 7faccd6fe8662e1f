package io.fjord.amqp;

import com.rabbitmq.client.AMQP;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.spi.SendOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishing on a driver's publishing connection: requests, notifications and replies, each on a
 * {@link Publisher} channel borrowed from a pool, one thread at a time (confirm-mode channels for what
 * waits for the broker's confirm, plain ones for call requests, replies and heartbeats).
 *
 * <p>Before the first publish to an exchange since the connection (re)opened, publishing declares what
 * that publish needs ({@link Declaration}). Never blocks a caller on the broker: a publish runs on the
 * caller's thread only when the connection is up, not blocked, and its declaration done; otherwise it goes
 * to an I/O thread that declares, or waits for the connection to come back, until the send's deadline (or
 * its retry count). A reply the broker returns because its reply queue is missing is published again
 * every 250 ms while the queue has been missing for less than the reply retry timeout, as oslo does
 * (docs/wire-format.md §4.2), in case the caller is reconnecting. Thread-safe.
 */
final class Publishing {
  private static final Logger log = LoggerFactory.getLogger(Publishing.class);

  /** The properties of every message Fjord publishes, as oslo's: JSON, UTF-8, persistent. */
  static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties.Builder()
      .contentType("application/json").contentEncoding("utf-8").headers(Map.of()).deliveryMode(2).priority(0).build();
  private static final AMQP.BasicProperties COMPRESSED = PROPERTIES.builder()
      .headers(Map.of("compression", AmqpSettings.GZIP)).build();

  /**
   * What a publish declares first, once per connection: its exchange and, for a notification, the queue
   * named after its routing key, bound to the exchange with that key, so that notifications wait for
   * their first listener (oslo's notifier declares both before its first publish with a key). A value:
   * publishing remembers the declarations it has made since the connection (re)opened.
   *
   * @param queue the queue bound with its own name as key, or null for the exchange alone
   */
  record Declaration(Topology.Exchange exchange, Topology.Queue queue) {

    /** The exchange alone. */
    static Declaration of(Topology.Exchange exchange) {
      return new Declaration(exchange, null);
    }

    /** The exchange, and {@code queue} bound to it with the queue's name as routing key. */
    static Declaration of(Topology.Exchange exchange, Topology.Queue queue) {
      return new Declaration(exchange, queue);
    }

    void declare(Declarer declarer) throws IOException {
      declarer.exchange(exchange);
      if (queue != null) {
        declarer.queue(queue);
        declarer.bind(queue.name(), exchange.name(), queue.name());
      }
    }
  }

  /**
   * A reply queue seen missing: since when, and when a reply to it last came back. Returns more than
   * {@link #OUTAGE_GAP} apart are separate outages, each retried for the whole reply retry timeout.
   */
  private record Outage(long since, long lastReturn) {
  }

  private static final long OUTAGE_GAP = Duration.ofSeconds(2).toNanos();

  private final Connections connections;
  private final AmqpSettings settings;
  private final Declarer declarer;
  /** Confirm-mode channels: casts, notifications, mandatory requests. */
  private final ConcurrentLinkedDeque<Publisher> idleConfirming = new ConcurrentLinkedDeque<>();
  /**
   * Channels without confirms: call requests (the reply is the confirmation) and replies and
   * heartbeats (a missing reply queue shows as a basic.return, retried; docs/wire-format.md §3.4).
   */
  private final ConcurrentLinkedDeque<Publisher> idlePlain = new ConcurrentLinkedDeque<>();
  private final Set<Publisher> all = ConcurrentHashMap.newKeySet();
  /** What publishing has declared since the publishing connection (re)opened. */
  private final Set<Declaration> declared = ConcurrentHashMap.newKeySet();
  /** Reply queue -> its current outage (see {@link #returnedWithoutConfirm}). */
  private final Map<String, Outage> missingReplyQueues = new ConcurrentHashMap<>();

  Publishing(Connections connections, AmqpSettings settings) {
    this.connections = connections;
    this.settings = settings;
    this.declarer = new Declarer(connections.publishConnection(), "publishing");
  }

  /**
   * Publishes an RPC request to {@code first}'s exchange, after declaring {@code first} when this
   * connection has not. A call's request (it has an expiration) goes without a publisher confirm unless
   * mandatory: its reply is its confirmation. The request carries the options' priority (0, oslo's, unless
   * set), which quorum queues on RabbitMQ 4 order by and other queues ignore.
   */
  CompletableFuture<Void> request(Declaration first, String routingKey, byte[] body, SendOptions options) {
    AMQP.BasicProperties props = properties();
    if (options.expiration() != null || options.priority() != 0) {
      AMQP.BasicProperties.Builder b = props.builder().priority(options.priority());
      if (options.expiration() != null) {
        b.expiration(Long.toString(options.expiration().toMillis()));
      }
      props = b.build();
    }
    // a call's reply is its confirmation; casts and mandatory requests wait for the broker's
    boolean confirm = options.expiration() == null || options.mandatory();
    return submit(new Send(first.exchange().name(), first, routingKey, options.mandatory(), props, wire(body),
        systemDeadline(options), options.retry(), confirm));
  }

  /** Publishes a notification to {@code first}'s exchange, with a publisher confirm, after declaring {@code first}. */
  CompletableFuture<Void> notification(Declaration first, String routingKey, byte[] body, SendOptions options) {
    return submit(new Send(first.exchange().name(), first, routingKey, options.mandatory(), properties(), wire(body),
        systemDeadline(options), options.retry(), true));
  }

  /**
   * Publishes a reply or heartbeat to {@code queue} through the default exchange, mandatory and without
   * confirm (its delivery shows in the caller, not here); when the queue is missing the broker returns it
   * and {@link #returnedWithoutConfirm} retries it, as oslo retries every 0.25 s (docs/wire-format.md §4.2).
   */
  CompletableFuture<Void> reply(String queue, byte[] body) {
    return submit(new Send("", null, queue, true, properties(), wire(body), System.nanoTime() + 5_000_000_000L,
        null, false));
  }

  /** The publishing connection is recovering or recovered: declare everything again before using it. */
  void forgetDeclarations() {
    declared.clear();
  }

  /** Closes every channel; what waits for a confirm fails. For the driver's close. */
  void close() {
    all.forEach(Publisher::discard);
  }

  /** One message on its way to the broker, retried while the connection is down. */
  private final class Send {
    final String exchange;
    /** What to declare before publishing (see {@link #declared}); null: nothing (replies). */
    final Declaration declaration;
    final String routingKey;
    final boolean mandatory;
    final AMQP.BasicProperties props;
    final byte[] body;
    final long deadline;
    final Integer retry;
    final boolean confirm;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    int attempts;

    Send(String exchange, Declaration declaration, String routingKey, boolean mandatory, AMQP.BasicProperties props,
         byte[] body, long deadline, Integer retry, boolean confirm) {
      this.confirm = confirm && settings.confirms;
      this.exchange = exchange;
      this.declaration = declaration;
      this.routingKey = routingKey;
      this.mandatory = mandatory;
      this.props = props;
      this.body = body;
      this.deadline = deadline;
      this.retry = retry;
    }

    String what() {
      return "publish to exchange '" + exchange + "' with routing key '" + routingKey + "'";
    }

    boolean ready() {
      return (declaration == null || declared.contains(declaration)) && connections.canPublish();
    }

    /** Publishes now; on a broken connection schedules another attempt. Runs on any thread. */
    void attempt() {
      if (connections.isClosed()) {
        future.completeExceptionally(new TransportException("Transport " + connections.url() + " is closed"));
        return;
      }
      if (!connections.canPublish()) {
        retryLater(null);
        return;
      }
      Publisher p;
      try {
        p = borrow(confirm);
      } catch (IOException | RuntimeException e) {
        retryLater(e);
        return;
      }
      try {
        if (declaration != null && !declared.contains(declaration)) {
          declaration.declare(declarer);
          declared.add(declaration);
        }
        p.publish(exchange, routingKey, mandatory, props, body, future);
      } catch (IOException | RuntimeException e) {
        if (!connections.publishConnection().isOpen()
            || AmqpErrors.isConnectionLevel(e) && !(e instanceof TransportException)) {
          retryLater(e);
        } else {
          future.completeExceptionally(e instanceof TransportException t ? t : AmqpErrors.translate("Cannot " + what(), e));
        }
      } finally {
        release(p, confirm);
      }
    }

    private void retryLater(Exception cause) {
      attempts++;
      long delay = Math.min(1000, 50L << Math.min(attempts, 5)) * 1_000_000L;
      if ((retry != null && attempts > retry) || System.nanoTime() + delay - deadline > 0) {
        String why = connections.isBlocked() && connections.publishConnection().isOpen()
            ? "The broker at " + connections.url() + " blocks publishers (resource alarm: " + connections.blockedReason()
                + "): could not " + what() + " before the deadline"
            : "Not connected to the broker at " + connections.url() + ": could not " + what() + " after " + attempts
                + " attempt(s)" + (cause == null ? "" : " (" + AmqpErrors.describe(cause) + ")");
        future.completeExceptionally(new TransportException(why, cause));
        return;
      }
      connections.timer().schedule(() -> connections.io().execute(this::attempt), delay, TimeUnit.NANOSECONDS);
    }
  }

  private Publisher borrow(boolean confirm) throws IOException {
    ConcurrentLinkedDeque<Publisher> idle = confirm ? idleConfirming : idlePlain;
    Publisher p;
    while ((p = idle.pollFirst()) != null) {
      if (p.isOpen()) {
        return p;
      }
      discard(p);
    }
    p = new Publisher(connections.publishConnection(), confirm, this::returnedWithoutConfirm);
    all.add(p);
    return p;
  }

  private void release(Publisher p, boolean confirm) {
    // a closed channel on a live connection was broken by a channel error: replace it; during a
    // connection outage keep it, amqp-client reopens it with the connection; a channel that got a
    // nack is replaced too (Publisher#refused)
    if (connections.isClosed() || (!p.isOpen() && connections.publishConnection().isOpen()) || p.refused()) {
      discard(p);
    } else {
      (confirm ? idleConfirming : idlePlain).offerFirst(p);
    }
  }

  /**
   * A reply or heartbeat came back unroutable: its reply queue is missing, perhaps while the caller
   * reconnects. Retried every 250 ms until the queue has been missing for the reply retry timeout.
   */
  private void returnedWithoutConfirm(String exchange, String routingKey, byte[] body, String why) {
    if (!exchange.isEmpty() || connections.isClosed()) {
      log.debug("Dropping an unroutable message to exchange '{}': {}", exchange, why);
      return;
    }
    long now = System.nanoTime();
    Outage outage = missingReplyQueues.compute(routingKey, (k, o) ->
        o == null || now - o.lastReturn() > OUTAGE_GAP ? new Outage(now, now) : new Outage(o.since(), now));
    if (missingReplyQueues.size() > 64) {
      // queues that came back (or whose callers left) stop returning: forget them
      missingReplyQueues.values().removeIf(o -> now - o.lastReturn() > settings.replyRetryTimeout.toNanos() + OUTAGE_GAP);
    }
    if (now - outage.since() > settings.replyRetryTimeout.toNanos()) {
      missingReplyQueues.remove(routingKey);
      log.warn("Abandoning a reply to queue '{}', missing for over {} s (the caller is gone?)", routingKey,
          settings.replyRetryTimeout.toSeconds());
      return;
    }
    // the body is as published (compressed already, when compressing)
    connections.timer().schedule(() -> submit(new Send("", null, routingKey, true, properties(), body,
        System.nanoTime() + 5_000_000_000L, null, false)), 250, TimeUnit.MILLISECONDS);
  }

  private void discard(Publisher p) {
    all.remove(p);
    p.discard();
  }

  private CompletableFuture<Void> submit(Send send) {
    if (send.ready()) {
      send.attempt();
    } else {
      connections.io().execute(send::attempt);
    }
    return send.future;
  }

  /** The body as it goes on the wire: compressed as kombu does with {@code kombu_compression=gzip}. */
  private byte[] wire(byte[] body) {
    if (settings.compression == null) {
      return body;
    }
    Deflater deflater = new Deflater();
    try {
      deflater.setInput(body);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 2));
      byte[] buf = new byte[8192];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private AMQP.BasicProperties properties() {
    return settings.compression == null ? PROPERTIES : COMPRESSED;
  }

  /** The send's deadline as a {@link System#nanoTime()} reading, whatever clock it was made on. */
  private static long systemDeadline(SendOptions options) {
    return System.nanoTime() + options.deadline().remainingNanos();
  }
}
