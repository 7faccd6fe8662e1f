package io.fjord.bench;

import io.fjord.rpc.TransportUrl;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.adapter.MessageListenerAdapter;

/**
 * Spring AMQP as its documentation has a user write it: {@code RabbitTemplate.sendAndReceive} (direct
 * reply-to) and {@code AsyncRabbitTemplate} for calls, correlated publisher confirms for one-way messages, a
 * {@code SimpleMessageListenerContainer} with a {@code MessageListenerAdapter} answering on the server
 * (byte[] in, byte[] out: no conversion), acknowledging after the listener returns. The container gets as
 * many consumers as the machine has cores, and the client's channel cache fits 64 callers.
 */
final class SpringContender implements Contender {

  private static CachingConnectionFactory connectionFactory(Setup s, boolean confirms) {
    TransportUrl u = TransportUrl.parse(s.url());
    TransportUrl.Host h = u.hosts().isEmpty() ? new TransportUrl.Host("localhost", 5672, null, null) : u.hosts().get(0);
    CachingConnectionFactory cf = new CachingConnectionFactory(h.hostname(), h.portOr(5672));
    cf.setUsername(h.username() == null ? "guest" : h.username());
    cf.setPassword(h.password() == null ? "guest" : h.password());
    cf.setVirtualHost(u.virtualHost());
    cf.setChannelCacheSize(80);
    if (confirms) {
      cf.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
    }
    return cf;
  }

  private static String queue(Scenario scenario, Setup s) {
    return scenario == Scenario.NOTIFY_ASYNC_1000 ? s.topic() + ".info" : s.topic();
  }

  /** The server's delegate: echoes a call's body. */
  public static final class Echo {
    public byte[] handleMessage(byte[] body) {
      return body;
    }
  }

  @Override
  public AutoCloseable serve(Scenario scenario, Setup s) {
    CachingConnectionFactory cf = connectionFactory(s, false);
    RabbitAdmin admin = new RabbitAdmin(cf);
    String q = queue(scenario, s);
    admin.declareQueue(new Queue(q, false, false, true));
    SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(cf);
    container.setQueueNames(q);
    container.setConcurrentConsumers(Runtime.getRuntime().availableProcessors());
    container.setAcknowledgeMode(AcknowledgeMode.AUTO);
    if (scenario.oneWay()) {
      container.setMessageListener(message -> {
      });
    } else {
      container.setMessageListener(new MessageListenerAdapter(new Echo()));
    }
    container.start();
    return () -> {
      container.stop();
      admin.deleteQueue(q);
      cf.destroy();
    };
  }

  @Override
  public AutoCloseable serveFanout(Setup s, Fanout.Tally tally) {
    java.util.List<CachingConnectionFactory> factories = new java.util.ArrayList<>();
    java.util.List<SimpleMessageListenerContainer> containers = new java.util.ArrayList<>();
    FanoutExchange exchange = new FanoutExchange(s.topic() + "_fanout", false, true);
    for (int i = 0; i < Fanout.SERVERS; i++) {
      CachingConnectionFactory cf = connectionFactory(s, false); // one application each
      factories.add(cf);
      RabbitAdmin admin = new RabbitAdmin(cf);
      admin.declareExchange(exchange);
      Queue q = new AnonymousQueue();
      admin.declareQueue(q);
      admin.declareBinding(BindingBuilder.bind(q).to(exchange));
      SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(cf);
      container.setQueueNames(q.getName());
      container.setAcknowledgeMode(AcknowledgeMode.AUTO);
      container.setMessageListener(message -> tally.received(Fanout.sentNanos(message.getBody())));
      containers.add(container);
      container.start();
    }
    return () -> {
      containers.forEach(SimpleMessageListenerContainer::stop);
      factories.forEach(CachingConnectionFactory::destroy); // the anonymous queues and the exchange delete themselves
    };
  }

  @Override
  public Client client(Scenario scenario, Setup s) {
    CachingConnectionFactory cf = connectionFactory(s, scenario.oneWay());
    RabbitTemplate template = new RabbitTemplate(cf);
    template.setReplyTimeout(60_000);
    AsyncRabbitTemplate async = scenario == Scenario.CALL_ASYNC_64 || scenario == Scenario.CALL_ASYNC_10000
        || scenario == Scenario.SOAK_64 ? new AsyncRabbitTemplate(template) : null;
    if (async != null) {
      async.setReceiveTimeout(60_000);
      async.start();
    }
    if (scenario == Scenario.FANOUT_50) {
      new RabbitAdmin(cf).declareExchange(new FanoutExchange(s.topic() + "_fanout", false, true));
    }
    byte[] body = s.payload().getBytes(StandardCharsets.US_ASCII);
    String routingKey = queue(scenario, s);
    return new Client() {
      private Message message() {
        MessageProperties p = new MessageProperties();
        p.setContentType(MessageProperties.CONTENT_TYPE_BYTES);
        return new Message(body, p);
      }

      @Override
      public Workload.Op caller() {
        return () -> {
          if (template.sendAndReceive("", routingKey, message()) == null) {
            throw new IllegalStateException("no reply within 60 s");
          }
        };
      }

      @Override
      public CompletableFuture<?> callAsync() {
        return async.sendAndReceive("", routingKey, message());
      }

      @Override
      public void fanout(long sentNanos) {
        MessageProperties p = new MessageProperties();
        p.setContentType(MessageProperties.CONTENT_TYPE_BYTES);
        template.send(s.topic() + "_fanout", "", new Message(Fanout.stamp(sentNanos, s.payloadBytes())
            .getBytes(StandardCharsets.US_ASCII), p));
      }

      @Override
      public CompletableFuture<?> send() {
        CorrelationData cd = new CorrelationData();
        template.send("", routingKey, message(), cd);
        return cd.getFuture().thenApply(confirm -> {
          if (!confirm.ack()) {
            throw new IllegalStateException("nack: " + confirm.reason());
          }
          return confirm;
        });
      }

      @Override
      public void close() {
        if (async != null) {
          async.stop();
        }
        cf.destroy();
      }
    };
  }
}
