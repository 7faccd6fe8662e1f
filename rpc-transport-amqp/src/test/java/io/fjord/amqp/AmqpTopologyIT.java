package io.fjord.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.server.RpcServer;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The objects an RPC server and client declare, checked on the broker (RabbitMQ 3.10, which accepts
 * oslo's transient defaults): RabbitMQ accepts a re-declaration only with equivalent flags and
 * arguments, so a declare with oslo's flags must pass and one with other flags must fail with 406
 * PRECONDITION_FAILED (docs/wire-format.md §6.2, §6.5); and what Fjord does when an object exists with
 * other flags.
 */
class AmqpTopologyIT extends OwnTopic {

  private Transport open(String query) {
    return openUrl(withQuery(query));
  }

  /** Runs a declare on a throwaway channel; returns null when accepted, the broker's reply text when refused. */
  private String declare(ChannelAction action) throws IOException {
    Channel ch = raw.createChannel();
    try {
      action.run(ch);
      return null;
    } catch (IOException e) {
      String reason = String.valueOf(AmqpErrors.signal(e) == null ? e : AmqpErrors.signal(e).getReason());
      return reason;
    } finally {
      if (ch.isOpen()) {
        try {
          ch.close();
        } catch (Exception ignored) {
          // closing
        }
      }
    }
  }

  @FunctionalInterface
  private interface ChannelAction {
    void run(Channel ch) throws IOException;
  }

  @Test
  void serverDeclaresOslosDefaultTopology() throws Exception {
    try (Transport t = open("")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();

      assertThat(declare(ch -> ch.exchangeDeclare(exchange, "topic", false, false, false, Map.of()))).isNull();
      assertThat(declare(ch -> ch.exchangeDeclare(exchange, "topic", true, false, false, Map.of())))
          .contains("PRECONDITION_FAILED");
      assertThat(declare(ch -> ch.exchangeDeclare(topic + "_fanout", "fanout", false, true, false, Map.of()))).isNull();
      assertThat(declare(ch -> ch.exchangeDeclare(topic + "_fanout", "fanout", false, false, false, Map.of())))
          .contains("PRECONDITION_FAILED");
      for (String q : new String[] {topic, topic + ".s1"}) {
        assertThat(declare(ch -> ch.queueDeclare(q, false, false, false, Map.of()))).isNull();
        assertThat(declare(ch -> ch.queueDeclare(q, true, false, false, Map.of()))).contains("PRECONDITION_FAILED");
        assertThat(declare(ch -> ch.queueDeclare(q, false, false, false, Map.of("x-expires", 1800000))))
            .contains("PRECONDITION_FAILED");
        try (Channel ch = raw.createChannel()) {
          AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(q);
          assertThat(ok.getConsumerCount()).as("consumers on %s", q).isEqualTo(1);
        }
      }
      // the binding key of the shared queue is the topic: a message published with it arrives
      server.close();
    }
  }

  @Test
  void replyQueueIsClientNamedAndExclusive() throws Exception {
    try (Transport t = open("")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();
      io.fjord.rpc.client.RpcClient.create(t, Target.topic(topic)).call(null, "echo", Map.of("v", "x"), String.class);
      String replyQueue = t.core().replyQueue();
      assertThat(replyQueue).matches("reply_[0-9a-f]{32}");
      // exclusive to the transport's connection: valid on RabbitMQ 4.3, gone with the connection
      assertThat(declare(ch -> ch.queueDeclarePassive(replyQueue))).contains("RESOURCE_LOCKED");
      server.close();
    }
  }

  @Test
  void transientQuorumOptionMakesReplyQueuesOslosQuorumQueuesWithXExpires() throws Exception {
    String processname = TestBroker.name("p");
    try (Transport t = open("rabbit_transient_quorum_queue=true&use_queue_manager=true&hostname=h1&processname="
        + processname)) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();
      io.fjord.rpc.client.RpcClient.create(t, Target.topic(topic)).call(null, "echo", Map.of("v", "x"), String.class);
      String replyQueue = t.core().replyQueue();
      try {
        assertThat(replyQueue).startsWith("reply_h1:" + processname + ":");
        assertThat(declare(ch -> ch.queueDeclare(replyQueue, true, false, false,
            Map.of("x-queue-type", "quorum", "x-expires", 1800000)))).isNull();
        // the fanout exchange is durable with transient quorum queues, as oslo's
        assertThat(declare(ch -> ch.exchangeDeclare(topic + "_fanout", "fanout", true, true, false, Map.of()))).isNull();
        server.close();
        t.close();
        // a queue manager's names are kept when the process stops (oslo: they expire unused)
        assertThat(TestBroker.queueExists(raw, replyQueue)).isTrue();
      } finally {
        TestBroker.delete(raw, new String[] {replyQueue}, new String[0]);
        for (int i = 1; i <= 3; i++) {
          TestBroker.delete(raw, new String[] {topic + "_fanout_h1:" + processname + ":" + i}, new String[0]);
        }
      }
    }
  }

  @Test
  void durableOptionMakesExchangeAndSharedQueuesDurable() throws Exception {
    try (Transport t = open("amqp_durable_queues=true")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();
      assertThat(declare(ch -> ch.exchangeDeclare(exchange, "topic", true, false, false, Map.of()))).isNull();
      assertThat(declare(ch -> ch.queueDeclare(topic, true, false, false, Map.of()))).isNull();
      assertThat(declare(ch -> ch.queueDeclare(topic + ".s1", true, false, false, Map.of()))).isNull();
      // fanout objects never change with the option
      assertThat(declare(ch -> ch.exchangeDeclare(topic + "_fanout", "fanout", false, true, false, Map.of()))).isNull();
    }
  }

  @Test
  void quorumOptionDeclaresOslosQuorumQueues() throws Exception {
    try (Transport t = open("rabbit_quorum_queue=true&rabbit_quorum_delivery_limit=3&rabbit_quroum_max_memory_length=1000")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();
      Map<String, Object> oslo = Map.of("x-queue-type", "quorum", "x-delivery-limit", 3, "x-max-in-memory-length", 1000);
      assertThat(declare(ch -> ch.exchangeDeclare(exchange, "topic", true, false, false, Map.of()))).isNull();
      assertThat(declare(ch -> ch.queueDeclare(topic, true, false, false, oslo))).isNull();
      assertThat(declare(ch -> ch.queueDeclare(topic + ".s1", true, false, false, oslo))).isNull();
      assertThat(declare(ch -> ch.queueDeclare(topic, true, false, false, Map.of("x-queue-type", "quorum"))))
          .contains("PRECONDITION_FAILED");
      // never quorum: the fanout exchange and queue, the reply queue
      assertThat(declare(ch -> ch.exchangeDeclare(topic + "_fanout", "fanout", false, true, false, Map.of()))).isNull();
      server.close();
    }
  }

  @Test
  void anExchangeOrQueueThatExistsWithOtherDurabilityIsUsedAsItIs() throws Exception {
    try (Channel ch = raw.createChannel()) {
      ch.exchangeDeclare(exchange, "topic", true, false, false, Map.of());
      ch.queueDeclare(topic, true, false, false, Map.of());
    }
    try (Transport t = open("")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();
      assertThat(io.fjord.rpc.client.RpcClient.create(t, Target.topic(topic))
          .call(null, "echo", Map.of("v", "through the existing objects"), String.class))
          .isEqualTo("through the existing objects");
      server.close();
    }
    assertThat(declare(ch -> ch.exchangeDeclare(exchange, "topic", true, false, false, Map.of()))).isNull();
  }

  @Test
  void aQueueOfAnotherKindFailsTheServerNamingTheQueueBothFlagSetsAndTheMatchingOptions() throws Exception {
    try (Channel ch = raw.createChannel()) {
      ch.queueDeclare(topic, false, false, false, Map.of());
    }
    try (Transport t = open("rabbit_quorum_queue=true")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      assertThatThrownBy(server::start)
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("Queue '" + topic + "' exists with durable=false, exclusive=false, auto_delete=false, "
              + "arguments={}")
          .hasMessageContaining("Fjord would declare durable=true, exclusive=false, auto_delete=false, "
              + "arguments={x-queue-type=quorum}")
          .hasMessageContaining("rabbit_quorum_queue=false, amqp_durable_queues=false");
    }
  }

  @Test
  void anExchangeOfAnotherTypeFailsNamingBothFlagSets() throws Exception {
    try (Channel ch = raw.createChannel()) {
      ch.exchangeDeclare(exchange, "fanout", false, false, false, Map.of());
    }
    try (Transport t = open("")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      assertThatThrownBy(server::start)
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("Exchange '" + exchange + "' exists with type=fanout, durable=false, auto_delete=false; "
              + "Fjord needs type=topic");
    }
  }

  @Test
  void closingTheServerDeletesItsFanoutQueueButKeepsSharedQueues() throws Exception {
    try (Transport t = open("")) {
      RpcServer server = RpcServer.builder(t, Target.topic(topic).withServer("s1")).endpoint(new Echo()).build();
      server.start();
      server.close();
      assertThat(TestBroker.queueExists(raw, topic)).isTrue();
      assertThat(TestBroker.queueExists(raw, topic + ".s1")).isTrue();
      try (Channel ch = raw.createChannel()) {
        assertThat(ch.queueDeclarePassive(topic).getConsumerCount()).isZero();
      }
    }
  }

  @Test
  void wrongCredentialsOrAnUnknownVirtualHostFailFastWithAccessDenied() {
    TransportUrl.Host h = TransportUrl.parse(TestBroker.url()).hosts().get(0);
    String base = "rabbit://" + (h.username() == null ? "guest" : h.username()) + ":%s@" + h.hostname() + ":"
        + h.portOr(5672) + "/%s";
    for (String url : new String[] {String.format(base, "wrong-s3cret", ""), String.format(base,
        h.password() == null ? "guest" : h.password(), "fjord_no_such_vhost")}) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> Transport.open(url))
          .isInstanceOf(io.fjord.rpc.BrokerAccessDeniedException.class)
          .hasMessageContaining("access denied")
          .hasMessageNotContaining("wrong-s3cret");
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms to fail").isLessThan(2000);
    }
  }
}
