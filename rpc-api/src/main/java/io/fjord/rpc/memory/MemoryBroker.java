package io.fjord.rpc.memory;

import io.fjord.rpc.spi.IncomingMessage;
import io.fjord.rpc.spi.MessageHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process broker for one virtual host: topic (exact-key) and fanout exchanges, the default
 * exchange, queues with round-robin consumers, manual acknowledgement with requeue, and message
 * expiration. Every {@code memory://} transport of the JVM with the same virtual host shares one,
 * so servers and clients on different Transport objects talk to each other. Thread-safe: one lock
 * guards the topology and queues; handlers run outside it, serially per consumer.
 */
final class MemoryBroker {
  private static final Map<String, MemoryBroker> BROKERS = new ConcurrentHashMap<>();
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  private static final ExecutorService DISPATCH = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fjord-memory-dispatch-" + THREAD_IDS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  static MemoryBroker forVirtualHost(String vhost) {
    return BROKERS.computeIfAbsent(vhost, v -> new MemoryBroker());
  }

  enum ExchangeType { TOPIC, FANOUT }

  private record Exchange(ExchangeType type, Map<String, Set<String>> bindings) {
  }

  private record Entry(byte[] body, long expiresAt, boolean redelivered) {
  }

  private final Object lock = new Object();
  private final Map<String, Exchange> exchanges = new HashMap<>();
  private final Map<String, Queue> queues = new HashMap<>();

  /** A consumer: its handler runs serially on the shared dispatch pool. */
  final class Consumer {
    final Queue queue;
    final MessageHandler handler;
    /** At most this many unacknowledged deliveries (AMQP's per-consumer basic.qos); 0: no limit. */
    final int prefetch;
    final Executor serial = new SerialExecutor(DISPATCH);
    final Set<Delivery> unacked = new LinkedHashSet<>();
    /** No new deliveries (basic.cancel); the handler keeps and settles what it already has. */
    boolean stopped;
    /** The channel is gone: everything unacknowledged went back to the queue. */
    boolean cancelled;

    Consumer(Queue queue, MessageHandler handler, int prefetch) {
      this.queue = queue;
      this.handler = handler;
      this.prefetch = prefetch;
    }

    /** Whether the prefetch leaves room for another delivery. Caller holds the lock. */
    boolean hasCredit() {
      return prefetch == 0 || unacked.size() < prefetch;
    }

    /**
     * Stops deliveries, as AMQP's basic.cancel on a channel that stays open: deliveries the handler
     * already has stay with it (it may still ack them); those not yet handed over go back to the queue.
     */
    void stop() {
      synchronized (lock) {
        if (stopped) {
          return;
        }
        stopped = true;
        queue.consumers.remove(this);
      }
    }

    /** Stops deliveries and, as a closing channel, returns everything unacknowledged to the queue. */
    void cancel() {
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        stopped = true;
        queue.consumers.remove(this);
        List<Delivery> back = new ArrayList<>(unacked);
        unacked.clear();
        for (int i = back.size() - 1; i >= 0; i--) {
          Delivery d = back.get(i);
          d.settled = true;
          queue.messages.addFirst(new Entry(d.body, d.expiresAt, true));
        }
        queue.dispatchLocked();
      }
    }
  }

  final class Queue {
    final String name;
    final Deque<Entry> messages = new ArrayDeque<>();
    final List<Consumer> consumers = new ArrayList<>();
    int next;
    boolean deleted;

    Queue(String name) {
      this.name = name;
    }

    /**
     * Hands queued messages to consumers with credit left (prefetch), round robin; the rest stay queued until
     * a consumer settles one. Caller holds the lock.
     */
    void dispatchLocked() {
      long now = System.nanoTime();
      while (!messages.isEmpty() && !consumers.isEmpty()) {
        Consumer c = null;
        for (int i = 0; i < consumers.size() && c == null; i++) {
          Consumer candidate = consumers.get(next++ % consumers.size());
          if (candidate.hasCredit()) {
            c = candidate;
          }
        }
        if (c == null) {
          return; // every consumer is at its prefetch
        }
        Entry e = messages.pollFirst();
        if (e.expiresAt != 0 && now - e.expiresAt >= 0) {
          continue;
        }
        Delivery d = new Delivery(c, e);
        c.unacked.add(d);
        Consumer consumer = c;
        c.serial.execute(() -> {
          boolean live;
          synchronized (lock) {
            live = !consumer.stopped && !d.settled;
            if (!live && !d.settled) {
              // stopped before the handler got it: it was never this consumer's, back it goes
              d.settled = true;
              consumer.unacked.remove(d);
              if (!deleted) {
                messages.addFirst(new Entry(d.body, d.expiresAt, d.redelivered));
                dispatchLocked();
              }
            }
          }
          if (live) {
            try {
              consumer.handler.onMessage(d);
            } catch (RuntimeException ex) {
              org.slf4j.LoggerFactory.getLogger(MemoryBroker.class).error("Handler of queue {} failed", name, ex);
            }
          }
        });
      }
    }
  }

  /** One delivery of a message to a consumer. */
  final class Delivery implements IncomingMessage {
    final Consumer consumer;
    final byte[] body;
    final long expiresAt;
    final boolean redelivered;
    boolean settled;

    Delivery(Consumer consumer, Entry e) {
      this.consumer = consumer;
      this.body = e.body;
      this.expiresAt = e.expiresAt;
      this.redelivered = e.redelivered;
    }

    @Override
    public byte[] body() {
      return body;
    }

    @Override
    public boolean redelivered() {
      return redelivered;
    }

    @Override
    public String source() {
      return consumer.queue.name;
    }

    @Override
    public void ack() {
      synchronized (lock) {
        settled = true;
        if (consumer.unacked.remove(this) && consumer.prefetch > 0) {
          consumer.queue.dispatchLocked(); // credit freed
        }
      }
    }

    @Override
    public void reject(boolean requeue) {
      synchronized (lock) {
        if (settled) {
          return;
        }
        settled = true;
        consumer.unacked.remove(this);
        Queue q = consumer.queue;
        if (requeue && !q.deleted) {
          q.messages.addFirst(new Entry(body, expiresAt, true));
        }
        if (!q.deleted) {
          q.dispatchLocked();
        }
      }
    }
  }

  void declareExchange(String name, ExchangeType type) {
    synchronized (lock) {
      Exchange existing = exchanges.get(name);
      if (existing != null && existing.type != type) {
        throw new IllegalStateException("exchange '" + name + "' exists with type " + existing.type + ", not " + type);
      }
      if (existing == null) {
        exchanges.put(name, new Exchange(type, new HashMap<>()));
      }
    }
  }

  void declareQueue(String name) {
    synchronized (lock) {
      queues.computeIfAbsent(name, Queue::new);
    }
  }

  void bind(String queue, String exchange, String key) {
    synchronized (lock) {
      Exchange x = exchanges.get(exchange);
      if (x == null || !queues.containsKey(queue)) {
        throw new IllegalStateException("cannot bind '" + queue + "' to '" + exchange + "': not declared");
      }
      x.bindings.computeIfAbsent(x.type == ExchangeType.FANOUT ? "" : key, k -> new LinkedHashSet<>()).add(queue);
    }
  }

  void deleteQueue(String name) {
    synchronized (lock) {
      Queue q = queues.remove(name);
      if (q == null) {
        return;
      }
      q.deleted = true;
      for (Exchange x : exchanges.values()) {
        x.bindings.values().forEach(s -> s.remove(name));
      }
      for (Consumer c : new ArrayList<>(q.consumers)) {
        c.stopped = true;
        c.cancelled = true;
      }
      q.consumers.clear();
      q.messages.clear();
    }
  }

  /** Consumes {@code queue} without a prefetch limit. */
  Consumer consume(String queue, MessageHandler handler) {
    return consume(queue, handler, 0);
  }

  /** Consumes {@code queue} with at most {@code prefetch} unacknowledged deliveries (0: no limit). */
  Consumer consume(String queue, MessageHandler handler, int prefetch) {
    synchronized (lock) {
      Queue q = queues.get(queue);
      if (q == null) {
        throw new IllegalStateException("no queue '" + queue + "'");
      }
      Consumer c = new Consumer(q, handler, prefetch);
      q.consumers.add(c);
      q.dispatchLocked();
      return c;
    }
  }

  /**
   * Routes a message: exchange {@code ""} delivers to the queue named by {@code key}.
   *
   * @return whether any queue received it
   */
  boolean publish(String exchange, String key, byte[] body, long expiresAt) {
    synchronized (lock) {
      List<String> targets = new ArrayList<>();
      if (exchange.isEmpty()) {
        if (queues.containsKey(key)) {
          targets.add(key);
        }
      } else {
        Exchange x = exchanges.get(exchange);
        if (x == null) {
          throw new IllegalStateException("no exchange '" + exchange + "'");
        }
        Set<String> bound = x.bindings.get(x.type == ExchangeType.FANOUT ? "" : key);
        if (bound != null) {
          targets.addAll(bound);
        }
      }
      for (String name : targets) {
        Queue q = queues.get(name);
        q.messages.addLast(new Entry(body, expiresAt, false));
        q.dispatchLocked();
      }
      return !targets.isEmpty();
    }
  }

  /** Runs tasks one at a time, in order, on a shared pool (the Executor javadoc's SerialExecutor). */
  private static final class SerialExecutor implements Executor {
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final Executor pool;
    private Runnable active;

    SerialExecutor(Executor pool) {
      this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable r) {
      tasks.add(() -> {
        try {
          r.run();
        } finally {
          scheduleNext();
        }
      });
      if (active == null) {
        scheduleNext();
      }
    }

    private synchronized void scheduleNext() {
      active = tasks.poll();
      if (active != null) {
        pool.execute(active);
      }
    }
  }
}
