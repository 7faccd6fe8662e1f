package io.fjord.amqp;

import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.spi.DriverTransport;
import io.fjord.rpc.spi.TransportDriver;
import java.util.Set;

/**
 * The RabbitMQ driver (AMQP 0-9-1 on amqp-client) for schemes {@code rabbit://}, {@code amqp://},
 * {@code amqps://} (TLS) and oslo's alias {@code kombu://}, producing and consuming exactly
 * oslo.messaging's rabbit-driver wire format.
 *
 * <p>URL options (oslo's {@code [oslo_messaging_rabbit]} names are accepted as aliases):
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>alias</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>heartbeat</td><td>heartbeat_timeout_threshold</td><td>60</td><td>AMQP heartbeat, seconds (0 off)</td></tr>
 *   <tr><td>ssl</td><td></td><td>false (true for amqps)</td><td>TLS, verifying the broker certificate and host name</td></tr>
 *   <tr><td>ssl_ca_file</td><td></td><td>JDK trust store</td><td>PEM file of trusted CA certificates</td></tr>
 *   <tr><td>ssl_verify</td><td></td><td>true</td><td>false trusts any certificate (testing only)</td></tr>
 *   <tr><td>prefetch</td><td>rabbit_qos_prefetch_count</td><td>64</td><td>unacknowledged deliveries per server consumer</td></tr>
 *   <tr><td>confirms</td><td></td><td>true</td><td>publisher confirms: a send completes when the broker has the message</td></tr>
 *   <tr><td>durable</td><td>amqp_durable_queues</td><td>false</td><td>durable topic exchange and queues</td></tr>
 *   <tr><td>auto_delete</td><td>amqp_auto_delete</td><td>false</td><td>auto-delete topic exchange and queues</td></tr>
 *   <tr><td>transient_queue_ttl</td><td>rabbit_transient_queues_ttl</td><td>1800</td><td>x-expires of reply and fanout queues, seconds</td></tr>
 *   <tr><td>connection_timeout</td><td></td><td>5</td><td>TCP connect and handshake timeout, seconds</td></tr>
 *   <tr><td>recovery_interval</td><td></td><td>1</td><td>delay between reconnection attempts, seconds</td></tr>
 *   <tr><td>reply_retry_timeout</td><td>kombu_missing_consumer_retry_timeout</td><td>60</td><td>how long a reply to a missing reply queue is retried</td></tr>
 *   <tr><td>quorum</td><td>rabbit_quorum_queue</td><td>false</td><td>quorum shared queues ({@code x-queue-type=quorum}); forces durable</td></tr>
 *   <tr><td>quorum_delivery_limit</td><td>rabbit_quorum_delivery_limit</td><td>0 (none)</td><td>{@code x-delivery-limit}: redeliveries before a message is dropped or dead-lettered</td></tr>
 *   <tr><td>quorum_max_memory_length</td><td>rabbit_quroum_max_memory_length (sic)</td><td>0 (none)</td><td>{@code x-max-in-memory-length}</td></tr>
 *   <tr><td>quorum_max_memory_bytes</td><td>rabbit_quroum_max_memory_bytes (sic)</td><td>0 (none)</td><td>{@code x-max-in-memory-bytes}</td></tr>
 *   <tr><td>dead_letter_exchange</td><td></td><td>none</td><td>{@code x-dead-letter-exchange} of shared queues (Fjord only: oslo peers declaring the same queues must use it too)</td></tr>
 * </table>
 *
 * <p>Hosts are tried in the URL's order. Thread-safe.
 */
public final class RabbitDriver implements TransportDriver {

  @Override
  public Set<String> schemes() {
    return Set.of("rabbit", "amqp", "amqps", "kombu");
  }

  @Override
  public DriverTransport open(TransportUrl url, TransportOptions options) {
    return new AmqpTransport(url, options);
  }
}
