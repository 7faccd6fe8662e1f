package io.fjord.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.fjord.rpc.TransportUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw amqp-client limit the benchmark compares Fjord with, written the way a careful user of
 * amqp-client would: client-named reply queue with one consumer and correlation ids, a JSON body of
 * the same size (parsed and written with one shared ObjectMapper), manual acks, prefetch 64 on the
 * server, a channel per thread, windowed asynchronous publisher confirms for one-way messages.
 */
final class RawBaseline implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection serverConnection;
  private final Connection clientConnection;
  private final String queue = "bench_raw_" + UUID.randomUUID().toString().replace("-", "");
  private final String replyQueue = "reply_" + UUID.randomUUID().toString().replace("-", "");
  private final String castQueue = queue + "_cast";
  private final Map<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
  private final ThreadLocal<Channel> channels;
  private final AtomicLong consumed = new AtomicLong();
  private final Channel serverChannel;
  private final Channel replyChannel;

  /** Body sizes to pad to (0: no padding); set per row from {@link WireSizes}. */
  private volatile WireSizes sizes = new WireSizes(0, 0, 0, 0);

  /** A plain amqp-client connection to the first host of {@code url}. */
  static Connection connect(String url, String name) throws Exception {
    TransportUrl u = TransportUrl.parse(url);
    ConnectionFactory f = new ConnectionFactory();
    TransportUrl.Host h = u.hosts().isEmpty() ? new TransportUrl.Host("localhost", 5672, null, null) : u.hosts().get(0);
    f.setHost(h.hostname());
    f.setPort(h.portOr(5672));
    f.setUsername(h.username() == null ? "guest" : h.username());
    f.setPassword(h.password() == null ? "guest" : h.password());
    f.setVirtualHost(u.virtualHost());
    return f.newConnection(name);
  }

  RawBaseline(String url) throws Exception {
    serverConnection = connect(url, "bench-raw-server");
    clientConnection = connect(url, "bench-raw-client");

    serverChannel = serverConnection.createChannel();
    serverChannel.queueDeclare(queue, false, false, true, null);
    serverChannel.queueDeclare(castQueue, false, false, true, null);
    serverChannel.basicQos(64);
    Channel replies = serverConnection.createChannel();
    serverChannel.basicConsume(queue, false, new DefaultConsumer(serverChannel) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        byte[] reply = padded(Map.of("result", request.get("args")), sizes.reply());
        AMQP.BasicProperties rp = new AMQP.BasicProperties.Builder().correlationId(props.getCorrelationId())
            .contentType("application/json").build();
        synchronized (replies) {
          replies.basicPublish("", props.getReplyTo(), rp, reply);
        }
        serverChannel.basicAck(env.getDeliveryTag(), false);
      }
    });
    serverChannel.basicConsume(castQueue, false, new DefaultConsumer(serverChannel) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
        JSON.readTree(body);
        consumed.incrementAndGet();
        serverChannel.basicAck(env.getDeliveryTag(), false);
      }
    });

    replyChannel = clientConnection.createChannel();
    replyChannel.queueDeclare(replyQueue, false, false, true, Map.of("x-expires", 1800000));
    replyChannel.basicConsume(replyQueue, false, new DefaultConsumer(replyChannel) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
        replyChannel.basicAck(env.getDeliveryTag(), false);
        CompletableFuture<byte[]> f = pending.remove(props.getCorrelationId());
        if (f != null) {
          f.complete(body);
        }
      }
    });
    channels = ThreadLocal.withInitial(() -> {
      try {
        return clientConnection.createChannel();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  void sizes(WireSizes sizes) {
    this.sizes = sizes;
  }

  private static byte[] request(String payload, int size) throws IOException {
    return padded(Map.of("method", "echo", "args", Map.of("payload", payload)), size);
  }

  /** {@code body} as JSON, with a {@code pad} string that brings it to {@code size} bytes when it is shorter. */
  private static byte[] padded(Map<String, Object> body, int size) throws IOException {
    byte[] plain = JSON.writeValueAsBytes(body);
    int pad = size - plain.length - ",\"pad\":\"\"".length();
    if (pad <= 0) {
      return plain;
    }
    Map<String, Object> withPad = new java.util.LinkedHashMap<>(body);
    withPad.put("pad", "p".repeat(pad));
    return JSON.writeValueAsBytes(withPad);
  }

  /** One request; completes with the reply. Publishes on the calling thread's channel. */
  CompletableFuture<byte[]> callAsync(String payload) throws IOException {
    String id = UUID.randomUUID().toString();
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    pending.put(id, f);
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().correlationId(id).replyTo(replyQueue)
        .contentType("application/json").expiration("60000").build();
    channels.get().basicPublish("", queue, props, request(payload, sizes.request()));
    return f.thenApply(body -> {
      try {
        JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return body;
    });
  }

  void call(String payload) throws Exception {
    callAsync(payload).get();
  }

  /** A confirm-mode channel publishing one-way messages with a window of async confirms. */
  final class Caster implements AutoCloseable {
    private final Channel ch;
    private final int size;
    private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> outstanding = new ConcurrentSkipListMap<>();

    /** @param notification pad to the notification's size instead of the cast's */
    Caster(boolean notification) throws IOException {
      size = notification ? sizes.notification() : sizes.cast();
      ch = clientConnection.createChannel();
      ch.confirmSelect();
      ch.addConfirmListener((tag, multiple) -> settle(tag, multiple), (tag, multiple) -> settle(tag, multiple));
    }

    private void settle(long tag, boolean multiple) {
      if (multiple) {
        var head = outstanding.headMap(tag, true);
        head.values().forEach(f -> f.complete(null));
        head.clear();
      } else {
        CompletableFuture<Void> f = outstanding.remove(tag);
        if (f != null) {
          f.complete(null);
        }
      }
    }

    /** Must be called from one thread. */
    CompletableFuture<Void> cast(String payload) throws IOException {
      CompletableFuture<Void> f = new CompletableFuture<>();
      outstanding.put(ch.getNextPublishSeqNo(), f);
      ch.basicPublish("", castQueue, new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
          .build(), request(payload, size));
      return f;
    }

    @Override
    public void close() throws Exception {
      ch.close();
    }
  }

  String castQueue() {
    return castQueue;
  }

  long consumed() {
    return consumed.get();
  }

  @Override
  public void close() throws Exception {
    try {
      serverChannel.queueDelete(queue);
      serverChannel.queueDelete(castQueue);
      replyChannel.queueDelete(replyQueue);
    } finally {
      clientConnection.close();
      serverConnection.close();
    }
  }

  static String payload(int size) {
    return "x".repeat(Math.max(1, size - 40));
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Deletes queues by name through a throwaway connection (benchmark cleanup). */
  static void deleteQueues(String url, String... queues) {
    try (Connection c = connect(url, "bench-cleanup"); Channel ch = c.createChannel()) {
      for (String q : queues) {
        ch.queueDelete(q);
      }
    } catch (Exception e) {
      System.err.println("cleanup: " + e.getMessage());
    }
  }
}
