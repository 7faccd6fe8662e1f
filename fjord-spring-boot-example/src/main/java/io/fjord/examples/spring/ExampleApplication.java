package io.fjord.examples.spring;

import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.Transport;
import io.fjord.spring.boot.ImportRpcClients;
import java.time.Duration;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot service with Fjord: {@link Greeter} served as an RPC endpoint, {@link GreeterApi} injected as a
 * typed client, {@link GreetingAudit} listening for notifications. Run it with
 * {@code mvn -B -q -DskipTests package exec:java -pl fjord-spring-boot-example -am} (RabbitMQ on localhost), add
 * {@code -Dexec.args=--fjord.transport-url=memory://} to run without a broker. The demo calls the service
 * through the proxy, waits for the notification the call sent, prints both and exits (non-zero on failure);
 * {@code --example.demo=false} keeps it serving instead.
 */
@SpringBootApplication
@ImportRpcClients(group = "greeter", types = GreeterApi.class)
public class ExampleApplication {

  public static void main(String[] args) {
    ConfigurableApplicationContext context = SpringApplication.run(ExampleApplication.class, args);
    if (context.getEnvironment().getProperty("example.demo", Boolean.class, true)) {
      System.exit(SpringApplication.exit(context));
    }
  }

  /** The demo: one call through the injected proxy and the notification it caused. */
  @Bean
  @ConditionalOnBooleanProperty(name = "example.demo", matchIfMissing = true)
  CommandLineRunner demo(GreeterApi greeter, GreetingAudit audit, Transport transport) {
    return args -> {
      System.out.println("Fjord on " + transport.url() + " (" + transport.broker() + ")");
      String answer = greeter.greet("world");
      System.out.println("call through the typed client: " + answer);
      ReceivedNotification n = audit.await("greeter.greeted", Duration.ofSeconds(10));
      if (n == null) {
        throw new IllegalStateException("the greeter.greeted notification did not arrive within 10 s");
      }
      System.out.println("notification received: " + n.eventType() + " " + n.payload());
    };
  }
}
