/**
 * The benchmark: Fjord against a raw amqp-client baseline on the same broker, printing throughput,
 * latency and CPU per operation. May use the public API of {@code io.fjord.rpc} and {@code io.fjord.notify}
 * (and {@code wire} to size bodies).
 */
package io.fjord.bench;
