package io.fjord.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Picks the transport URL for an example: $FJORD_URL, else RabbitMQ on localhost if it answers, else memory://. */
final class Brokers {
  private Brokers() {
  }

  static final String LOCAL_RABBIT = "rabbit://guest:guest@localhost:5672/";

  /**
   * @param query URL options for the RabbitMQ case (e.g. {@code auto_delete=true}), or ""
   */
  static String pick(String query) {
    String env = System.getenv("FJORD_URL");
    if (env != null && !env.isBlank()) {
      System.out.println("Using FJORD_URL");
      return env;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", 5672), 1000);
      System.out.println("Using RabbitMQ at localhost:5672");
      return query.isEmpty() ? LOCAL_RABBIT : LOCAL_RABBIT + "?" + query;
    } catch (IOException e) {
      System.out.println("No RabbitMQ answers at localhost:5672; using the in-process memory:// transport");
      return "memory://";
    }
  }

  /**
   * Deletes queues an example left on RabbitMQ (oslo's notifier declares {@code <topic>.<priority>}
   * queues that outlive it). Uses amqp-client directly: Fjord's API has no admin operations.
   */
  static void deleteQueues(String url, String... queues) {
    if (!url.startsWith("rabbit://")) {
      return;
    }
    io.fjord.rpc.TransportUrl u = io.fjord.rpc.TransportUrl.parse(url);
    com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
    io.fjord.rpc.TransportUrl.Host h = u.hosts().get(0);
    f.setHost(h.hostname());
    f.setPort(h.portOr(5672));
    f.setUsername(h.username() == null ? "guest" : h.username());
    f.setPassword(h.password() == null ? "guest" : h.password());
    f.setVirtualHost(u.virtualHost());
    try (com.rabbitmq.client.Connection c = f.newConnection("fjord-example-cleanup");
         com.rabbitmq.client.Channel ch = c.createChannel()) {
      for (String q : queues) {
        ch.queueDelete(q);
      }
    } catch (Exception e) {
      System.out.println("(could not delete the example's queues: " + e.getMessage() + ")");
    }
  }
}
