/**
 * The RabbitMQ (AMQP 0-9-1) driver: URL schemes {@code rabbit}, {@code amqp}, {@code amqps} and
 * {@code kombu}. Nothing is exported; the driver is found through the service it provides.
 */
module io.fjord.amqp {
  requires io.fjord.rpc;
  requires com.rabbitmq.client;
  requires org.slf4j;

  provides io.fjord.rpc.spi.DriverProvider with io.fjord.amqp.RabbitDriverProvider;
}
