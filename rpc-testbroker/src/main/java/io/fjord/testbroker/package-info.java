/**
 * How tests find a broker: environment variables, then the local ports (3.10 on 5672, the RabbitMQ 4.x
 * node on 5700, which {@code .ci/rabbitmq4} starts), then Testcontainers, else a failure that says how to
 * get one. May use {@code io.fjord.rpc} values only.
 */
package io.fjord.testbroker;
