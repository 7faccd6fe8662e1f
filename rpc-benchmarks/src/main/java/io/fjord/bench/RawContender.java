package io.fjord.bench;

import com.fasterxml.jackson.databind.node.TextNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.WireJson;
import io.fjord.rpc.wire.WireNotification;
import io.fjord.rpc.wire.WireReply;
import io.fjord.rpc.wire.WireRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a careful amqp-client user writes, in two forms.
 *
 * <ul>
 *   <li><b>floor</b>: the payload's bytes as the body, prebuilt; calls through the default exchange with a
 *       correlation id from a counter and one client-named reply queue with one auto-ack consumer; the server
 *       replies inline on its delivery thread, auto-ack; one-way messages confirmed (asynchronously, by
 *       sequence number) and acknowledged by the consumer one by one.</li>
 *   <li><b>oslo-raw</b>: the same code putting Fjord's bytes on the wire: Fjord's request, reply, cast and
 *       notification bodies (prebuilt once with Fjord's codec, the message id patched in place per call),
 *       Fjord's AMQP properties, a topic exchange as oslo routes; the server reads {@code _msg_id} and
 *       {@code _reply_q} from the body, as an oslo peer must. The gap between the two is what oslo's wire
 *       costs; the gap between this and Fjord is what Fjord's own code costs.</li>
 * </ul>
 */
final class RawContender implements Contender {
  private static final int PREFETCH = 64;
  private static final String PLACEHOLDER = "PLACEHOLDERPLACEHOLDERPLACEHOLDE"; // 32 characters
  private static final byte[] MSG_ID_KEY = "_msg_id\\\": \\\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLY_Q_KEY = "_reply_q\\\": \\\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final AMQP.BasicProperties OSLO = new AMQP.BasicProperties.Builder().contentType("application/json")
      .contentEncoding("utf-8").headers(Map.of()).deliveryMode(2).priority(0).build();
  private static final AMQP.BasicProperties OSLO_CALL = OSLO.builder().expiration("60000").build();

  private final boolean osloWire;

  RawContender(boolean osloWire) {
    this.osloWire = osloWire;
  }

  private String name() {
    return osloWire ? "oslo-raw" : "floor";
  }

  /** Where requests go: the default exchange (floor) or a topic exchange of its own (oslo-raw). */
  private String exchange(Setup s) {
    return osloWire ? s.topic() + "_x" : "";
  }

  private String queue(Scenario scenario, Setup s) {
    return scenario == Scenario.NOTIFY_ASYNC_1000 ? s.topic() + ".info" : s.topic();
  }

  private void declare(Channel ch, Scenario scenario, Setup s) throws IOException {
    String q = queue(scenario, s);
    ch.queueDeclare(q, false, false, true, null);
    if (osloWire) {
      ch.exchangeDeclare(exchange(s), "topic", false, true, null);
      ch.queueBind(q, exchange(s), q);
    }
  }

  // ------------------------------------------------------------------ server

  @Override
  public AutoCloseable serve(Scenario scenario, Setup s) throws Exception {
    Connection c = RawBaseline.connect(s.url(), name() + "-server");
    Channel ch = c.createChannel();
    declare(ch, scenario, s);
    if (scenario.oneWay()) {
      ch.basicQos(PREFETCH);
      ch.basicConsume(queue(scenario, s), false, new DefaultConsumer(ch) {
        @Override
        public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
          ch.basicAck(env.getDeliveryTag(), false);
        }
      });
    } else {
      byte[] replyTemplate = osloWire ? OsloWire.encode(WireReply.result(PLACEHOLDER, TextNode.valueOf(s.payload())))
          : null;
      int replyIdAt = osloWire ? indexOf(replyTemplate, PLACEHOLDER.getBytes(StandardCharsets.US_ASCII), 0) : -1;
      ch.basicConsume(queue(scenario, s), true, new DefaultConsumer(ch) {
        @Override
        public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
          if (osloWire) {
            int id = valueAt(body, MSG_ID_KEY);
            int rq = valueAt(body, REPLY_Q_KEY);
            int rqEnd = rq;
            while (body[rqEnd] != '\\') {
              rqEnd++;
            }
            byte[] reply = replyTemplate.clone();
            System.arraycopy(body, id, reply, replyIdAt, 32);
            ch.basicPublish("", new String(body, rq, rqEnd - rq, StandardCharsets.US_ASCII), OSLO, reply);
          } else {
            ch.basicPublish("", props.getReplyTo(),
                new AMQP.BasicProperties.Builder().correlationId(props.getCorrelationId()).build(), body);
          }
        }
      });
    }
    return () -> {
      try {
        ch.queueDelete(queue(scenario, s));
        if (osloWire) {
          ch.exchangeDelete(exchange(s));
        }
      } finally {
        c.close(10_000);
      }
    };
  }

  /** The fanout exchange: oslo's name for it on both sides. */
  private static String fanoutExchange(Setup s) {
    return s.topic() + "_fanout";
  }

  @Override
  public AutoCloseable serveFanout(Setup s, Fanout.Tally tally) throws Exception {
    java.util.List<Connection> connections = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < Fanout.SERVERS; i++) {
        Connection c = RawBaseline.connect(s.url(), name() + "-server-" + i);
        connections.add(c);
        Channel ch = c.createChannel();
        ch.exchangeDeclare(fanoutExchange(s), "fanout", false, true, null);
        String q = ch.queueDeclare().getQueue(); // server-named, exclusive, auto-delete
        ch.queueBind(q, fanoutExchange(s), "");
        ch.basicQos(PREFETCH);
        ch.basicConsume(q, false, new DefaultConsumer(ch) {
          @Override
          public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
              throws IOException {
            tally.received(Fanout.sentNanos(body));
            ch.basicAck(env.getDeliveryTag(), false);
          }
        });
      }
    } catch (Exception e) {
      for (Connection c : connections) {
        c.abort();
      }
      throw e;
    }
    return () -> {
      for (Connection c : connections) {
        c.close(10_000); // the queues and then the exchange delete themselves
      }
    };
  }

  // ------------------------------------------------------------------ client

  @Override
  public Client client(Scenario scenario, Setup s) throws Exception {
    Connection c = RawBaseline.connect(s.url(), name() + "-client");
    if (scenario == Scenario.FANOUT_50) {
      return new FanoutClient(c, s);
    }
    return scenario.oneWay() ? new OneWayClient(c, scenario, s) : new CallClient(c, s);
  }

  /** Publishes fanouts: the stamped payload (floor) or an oslo cast envelope with the stamp patched in. */
  private final class FanoutClient implements Client {
    private final Connection connection;
    private final Channel channel;
    private final String exchange;
    private final byte[] template;
    private final int stampAt;
    private final int payloadBytes;

    FanoutClient(Connection c, Setup s) throws IOException {
      this.connection = c;
      this.channel = c.createChannel();
      this.exchange = fanoutExchange(s);
      channel.exchangeDeclare(exchange, "fanout", false, true, null);
      this.payloadBytes = s.payloadBytes();
      String stamp = Fanout.stamp(0, payloadBytes);
      if (osloWire) {
        template = OsloWire.encode(WireRequest.cast("count", WireJson.MAPPER.valueToTree(Map.of("payload", stamp)),
            null, null, RequestContext.empty()));
        stampAt = indexOf(template, stamp.substring(0, 21).getBytes(StandardCharsets.US_ASCII), 0);
      } else {
        template = stamp.getBytes(StandardCharsets.US_ASCII);
        stampAt = 0;
      }
    }

    @Override
    public void fanout(long sentNanos) throws IOException {
      byte[] body = template.clone();
      System.arraycopy(Fanout.stamp(sentNanos, 21).getBytes(StandardCharsets.US_ASCII), 0, body, stampAt, 21);
      channel.basicPublish(exchange, "", osloWire ? OSLO : null, body);
    }

    @Override
    public Workload.Op caller() {
      throw new UnsupportedOperationException("a fanout client");
    }

    @Override
    public CompletableFuture<?> callAsync() {
      throw new UnsupportedOperationException("a fanout client");
    }

    @Override
    public CompletableFuture<?> send() {
      throw new UnsupportedOperationException("a fanout client");
    }

    @Override
    public void close() throws IOException {
      connection.close(10_000);
    }
  }

  private final class CallClient implements Client {
    private final Connection connection;
    private final Setup setup;
    private final String replyQueue = "reply_" + Long.toHexString(System.nanoTime());
    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final byte[] body;
    private final byte[] requestTemplate;
    private final int requestIdAt;
    private final Channel asyncChannel;

    CallClient(Connection c, Setup s) throws IOException {
      this.connection = c;
      this.setup = s;
      Channel replies = c.createChannel();
      replies.queueDeclare(replyQueue, false, true, true, null);
      replies.basicConsume(replyQueue, true, new DefaultConsumer(replies) {
        @Override
        public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] reply) {
          long id = osloWire ? parseHex(reply, valueAt(reply, MSG_ID_KEY)) : Long.parseLong(props.getCorrelationId());
          CompletableFuture<byte[]> f = pending.remove(id);
          if (f != null) {
            f.complete(reply);
          }
        }
      });
      body = s.payload().getBytes(StandardCharsets.US_ASCII);
      if (osloWire) {
        requestTemplate = OsloWire.encode(WireRequest.call("echo", WireJson.MAPPER.valueToTree(Map.of("payload",
            s.payload())), null, null, PLACEHOLDER, replyQueue, null, RequestContext.empty()));
        requestIdAt = indexOf(requestTemplate, PLACEHOLDER.getBytes(StandardCharsets.US_ASCII), 0);
      } else {
        requestTemplate = null;
        requestIdAt = -1;
      }
      asyncChannel = c.createChannel();
    }

    private CompletableFuture<byte[]> call(Channel ch) throws IOException {
      long id = ids.incrementAndGet();
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      pending.put(id, f);
      if (osloWire) {
        byte[] request = requestTemplate.clone();
        writeHex(request, requestIdAt, id);
        ch.basicPublish(exchange(setup), setup.topic(), OSLO_CALL, request);
      } else {
        ch.basicPublish("", setup.topic(), new AMQP.BasicProperties.Builder().correlationId(Long.toString(id))
            .replyTo(replyQueue).build(), body);
      }
      return f;
    }

    @Override
    public Workload.Op caller() throws IOException {
      Channel ch = connection.createChannel(); // one channel per calling thread
      return () -> call(ch).get(60, TimeUnit.SECONDS);
    }

    @Override
    public CompletableFuture<?> callAsync() throws IOException {
      return call(asyncChannel); // one thread keeps the window full
    }

    @Override
    public CompletableFuture<?> send() {
      throw new UnsupportedOperationException("a call client");
    }

    @Override
    public void close() throws IOException {
      connection.close(10_000);
    }
  }

  private final class OneWayClient implements Client {
    private final Connection connection;
    private final Channel channel;
    private final String exchange;
    private final String routingKey;
    private final byte[] body;
    private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed = new ConcurrentSkipListMap<>();

    OneWayClient(Connection c, Scenario scenario, Setup s) throws IOException {
      this.connection = c;
      this.channel = c.createChannel();
      channel.confirmSelect();
      channel.addConfirmListener((seq, multiple) -> settle(seq, multiple, null),
          (seq, multiple) -> settle(seq, multiple, new IOException("nack " + seq)));
      this.exchange = exchange(s);
      this.routingKey = queue(scenario, s);
      if (!osloWire) {
        body = s.payload().getBytes(StandardCharsets.US_ASCII);
      } else if (scenario == Scenario.NOTIFY_ASYNC_1000) {
        body = OsloWire.encode(new WireNotification("00000000-0000-4000-8000-000000000000", "bench", "bench.event",
            "INFO", WireJson.MAPPER.valueToTree(Map.of("payload", s.payload())), WireNotification.now(),
            "00000000000000000000000000000000", RequestContext.empty()), true);
      } else {
        body = OsloWire.encode(WireRequest.cast("count", WireJson.MAPPER.valueToTree(Map.of("payload", s.payload())),
            null, null, RequestContext.empty()));
      }
    }

    private void settle(long seq, boolean multiple, IOException error) {
      var done = multiple ? unconfirmed.headMap(seq, true) : unconfirmed.subMap(seq, true, seq, true);
      for (CompletableFuture<Void> f : done.values()) {
        if (error == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(error);
        }
      }
      done.clear();
    }

    @Override
    public Workload.Op caller() {
      throw new UnsupportedOperationException("a one-way client");
    }

    @Override
    public CompletableFuture<?> callAsync() {
      throw new UnsupportedOperationException("a one-way client");
    }

    @Override
    public CompletableFuture<?> send() throws IOException {
      CompletableFuture<Void> f = new CompletableFuture<>();
      unconfirmed.put(channel.getNextPublishSeqNo(), f);
      channel.basicPublish(exchange, routingKey, osloWire ? OSLO : null, body);
      return f;
    }

    @Override
    public void close() throws IOException {
      connection.close(10_000);
    }
  }

  // ------------------------------------------------------------------ bytes

  private static int indexOf(byte[] data, byte[] key, int from) {
    outer:
    for (int i = from; i <= data.length - key.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (data[i + j] != key[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Where the value after {@code key} starts. */
  private static int valueAt(byte[] body, byte[] key) {
    int at = indexOf(body, key, 0);
    if (at < 0) {
      throw new IllegalStateException("no " + new String(key, StandardCharsets.US_ASCII) + " in the body");
    }
    return at + key.length;
  }

  private static void writeHex(byte[] out, int at, long value) {
    for (int i = 31; i >= 0; i--) {
      out[at + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  private static long parseHex(byte[] in, int at) {
    long v = 0;
    for (int i = 16; i < 32; i++) {
      int b = in[at + i];
      v = (v << 4) | (b <= '9' ? b - '0' : b - 'a' + 10);
    }
    return v;
  }
}
