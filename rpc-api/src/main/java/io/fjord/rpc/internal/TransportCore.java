package io.fjord.rpc.internal;

import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.serializer.PayloadSerializer;
import io.fjord.rpc.spi.Driver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link io.fjord.rpc.Transport} shares with its clients and servers: the driver, the
 * serializer, one timer thread and the lazily opened reply queue. Thread-safe.
 */
public final class TransportCore {
  private static final Logger log = LoggerFactory.getLogger(TransportCore.class);
  private static final AtomicInteger TIMER_IDS = new AtomicInteger();

  private final TransportUrl url;
  private final TransportOptions options;
  private final Driver driver;
  private final ScheduledThreadPoolExecutor timer;
  private final ReplyWaiter replies;
  private final java.util.concurrent.ExecutorService callbacks;
  private final Deadlines deadlines;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<AutoCloseable> dependents = ConcurrentHashMap.newKeySet();
  private final Object replyLock = new Object();
  private volatile String replyQueue;

  public TransportCore(TransportUrl url, TransportOptions options, Driver driver) {
    this.url = url;
    this.options = options;
    this.driver = driver;
    this.timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "fjord-timer-" + TIMER_IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.timer.setRemoveOnCancelPolicy(true);
    this.replies = new ReplyWaiter(timer);
    int id = TIMER_IDS.get();
    // a few threads, the most recently idle woken first: completions stay on one or two warm threads
    this.callbacks = new HotPool("fjord-callback-" + id, 4, java.time.Duration.ofSeconds(30));
    this.deadlines = new Deadlines(timer);
  }

  public TransportUrl url() {
    return url;
  }

  public TransportOptions options() {
    return options;
  }

  public PayloadSerializer serializer() {
    return options.serializer();
  }

  public Driver driver() {
    return driver;
  }

  /** The clock every deadline of this transport is read on. */
  public io.fjord.rpc.Deadline.Clock clock() {
    return options.clock();
  }

  /** A deadline {@code timeout} from now on this transport's clock. */
  public io.fjord.rpc.Deadline deadline(java.time.Duration timeout) {
    return io.fjord.rpc.Deadline.after(timeout, options.clock());
  }

  /** See {@link io.fjord.rpc.Transport#publishNotification}. */
  public java.util.concurrent.CompletableFuture<Void> publishNotification(io.fjord.rpc.Target target, String priority,
                                                                          byte[] body, java.time.Duration timeout,
                                                                          Integer retry) {
    ensureOpen();
    require(io.fjord.rpc.Capability.NOTIFICATIONS, "Publishing a notification");
    io.fjord.rpc.Deadline deadline = deadline(timeout);
    java.util.concurrent.CompletableFuture<Void> sent;
    try {
      sent = driver.sendNotification(target, priority, body,
          new io.fjord.rpc.spi.SendOptions(null, false, retry, deadline));
    } catch (RuntimeException e) {
      sent = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    deadlines.failAt(sent, deadline, () -> new io.fjord.rpc.MessagingTimeoutException("The broker did not confirm "
        + "a notification (" + priority + ") to " + target + " within " + Durations.format(timeout), target, priority,
        timeout, null));
    return sent;
  }

  public ScheduledThreadPoolExecutor timer() {
    return timer;
  }

  /**
   * Where futures returned to applications complete, so their continuations never run on a
   * driver's I/O or consumer threads.
   */
  public java.util.concurrent.Executor callbacks() {
    return callbacks;
  }

  /** Fails pending operations at their deadline (casts, notifications). */
  public Deadlines deadlines() {
    return deadlines;
  }

  public ReplyWaiter replies() {
    return replies;
  }

  /** The reply queue's name once a call has opened it; empty before. Never declares anything. */
  public java.util.Optional<String> openedReplyQueue() {
    return java.util.Optional.ofNullable(replyQueue);
  }

  /** The reply queue's name, declaring and consuming it on first use. */
  public String replyQueue() {
    String q = replyQueue;
    if (q != null) {
      return q;
    }
    synchronized (replyLock) {
      if (replyQueue == null) {
        ensureOpen();
        String opened = driver.openReplyQueue(new io.fjord.rpc.spi.ReplyHandler() {
          @Override
          public void onReply(io.fjord.rpc.spi.IncomingMessage message) {
            replies.onReply(message);
          }

          @Override
          public void onReplyPathLost(Throwable cause) {
            replies.onReplyPathLost(cause);
          }

          @Override
          public void onReplyQueueMoved(String queue) {
            replyQueue = queue;
          }
        });
        if (replyQueue == null) {
          replyQueue = opened;
        }
      }
      return replyQueue;
    }
  }

  /**
   * Fails unless the driver has {@code capability}, naming both: for builders, at {@code build()}.
   *
   * @param what who needs it, e.g. {@code "RpcServer for compute.host-1"}
   */
  public void require(io.fjord.rpc.Capability capability, String what) {
    java.util.Set<io.fjord.rpc.Capability> have = driver.capabilities();
    if (!have.contains(capability)) {
      throw new io.fjord.rpc.UnsupportedCapabilityException(what + " needs " + capability + ", which the driver of "
          + url.scheme() + ":// (" + driver.getClass().getName() + ") does not support; it supports "
          + new java.util.TreeSet<>(have), capability, url.scheme());
    }
  }

  public void ensureOpen() {
    if (closed.get()) {
      throw new TransportException("Transport " + url + " is closed");
    }
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Registers a server or listener to close with the transport. */
  public void register(AutoCloseable dependent) {
    dependents.add(dependent);
  }

  public void unregister(AutoCloseable dependent) {
    dependents.remove(dependent);
  }

  /** Closes dependents, fails pending calls, closes the driver. Idempotent; bounded. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (AutoCloseable d : dependents.toArray(new AutoCloseable[0])) {
      try {
        d.close();
      } catch (Exception e) {
        log.warn("Error closing {} with transport {}", d, url, e);
      }
    }
    replies.failAll(new TransportException("Transport " + url + " was closed while the call waited for its reply"));
    try {
      driver.close();
    } finally {
      timer.shutdownNow();
      callbacks.shutdown();
    }
  }
}
