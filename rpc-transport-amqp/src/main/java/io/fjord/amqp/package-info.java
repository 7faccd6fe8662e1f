/**
 * The RabbitMQ driver (AMQP 0-9-1 over amqp-client): connections and recovery, publishing with confirms,
 * returns and retries, oslo's topology and its options (quorum queues, stream fanout, queue manager names),
 * TLS. Everything here is package-private but the provider; the module exports nothing.
 *
 * <p>May use: {@code io.fjord.rpc} and {@code io.fjord.rpc.spi} only; nothing of the message format.
 */
package io.fjord.amqp;
