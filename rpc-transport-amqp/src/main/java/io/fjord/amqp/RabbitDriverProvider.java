package io.fjord.amqp;

import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.spi.Driver;
import io.fjord.rpc.spi.DriverProvider;
import java.util.Set;

/**
 * The RabbitMQ driver (AMQP 0-9-1 on amqp-client) for schemes {@code rabbit://}, {@code amqp://},
 * {@code amqps://} (TLS) and oslo's alias {@code kombu://}, producing and consuming exactly
 * oslo.messaging's rabbit-driver wire format, on RabbitMQ 3.10 through 4.3.
 *
 * <p>URL query options are oslo.messaging's {@code [oslo_messaging_rabbit]} options under oslo's
 * names, with oslo's semantics (the README's "Transport URL options" table says what Fjord does with
 * each; Fjord's short names in brackets):
 * <ul>
 *   <li>topology: {@code amqp_durable_queues} ({@code durable}; unset: durable exactly when the broker
 *       refuses transient non-exclusive queues, as RabbitMQ 4.3 does by default), {@code amqp_auto_delete}
 *       ({@code auto_delete}), {@code rabbit_quorum_queue} ({@code quorum}), {@code rabbit_transient_quorum_queue},
 *       {@code rabbit_quorum_delivery_limit}, {@code rabbit_quorum_max_memory_length},
 *       {@code rabbit_quorum_max_memory_bytes}, {@code rabbit_stream_fanout}, {@code use_queue_manager},
 *       {@code hostname}, {@code processname}, {@code rabbit_transient_queues_ttl}
 *       ({@code transient_queue_ttl}), {@code rabbit_ha_queues}, {@code dead_letter_exchange} (Fjord's);</li>
 *   <li>consuming and publishing: {@code rabbit_qos_prefetch_count} ({@code prefetch}, default 64),
 *       {@code confirms} (Fjord's, default true), {@code rpc_auto_ack} (Fjord's, default false), {@code kombu_compression}, {@code enable_cancel_on_failover},
 *       {@code kombu_reconnect_delay}, {@code kombu_reconnect_splay}, {@code kombu_missing_consumer_retry_timeout}
 *       ({@code reply_retry_timeout}), {@code direct_mandatory_flag} (no effect);</li>
 *   <li>connections: {@code heartbeat_timeout_threshold} ({@code heartbeat}), {@code heartbeat_rate},
 *       {@code heartbeat_in_pthread} (no effect), {@code kombu_failover_strategy}, {@code rabbit_retry_interval}, {@code rabbit_retry_backoff},
 *       {@code rabbit_interval_max}, {@code rabbit_login_method}, {@code connection_timeout} and
 *       {@code recovery_interval} (Fjord's), {@code rpc_conn_pool_size}, {@code conn_pool_min_size},
 *       {@code conn_pool_ttl};</li>
 *   <li>TLS: {@code ssl}, {@code ssl_ca_file}, {@code ssl_cert_file}, {@code ssl_key_file}, {@code ssl_version},
 *       {@code ssl_enforce_hostname_verification}, {@code ssl_verify} (Fjord's), {@code ssl_enforce_fips_mode}.</li>
 * </ul>
 * Unknown options, invalid values and combinations oslo refuses fail {@link #open} with an
 * {@link IllegalArgumentException} naming the option; options without effect are accepted and
 * logged once. Hosts are tried in the URL's order. Thread-safe.
 */
public final class RabbitDriverProvider implements DriverProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("rabbit", "amqp", "amqps", "kombu");
  }

  @Override
  public Driver open(TransportUrl url, TransportOptions options) {
    return new AmqpDriver(url, options);
  }
}
