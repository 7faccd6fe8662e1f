package io.fjord.examples.spring;

import io.fjord.notify.Notifier;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.annotation.RpcEndpoint;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** The example's endpoint: served by the auto-configured RpcServer on {@code fjord.server.topic}. */
@Component
@RpcEndpoint(namespace = "greeter", version = "1.0")
public class Greeter implements GreeterApi {
  private final Notifier notifier;
  private final AtomicInteger running = new AtomicInteger();

  public Greeter(Notifier notifier) {
    this.notifier = notifier;
  }

  @Override
  public String greet(String name) {
    notifier.info(RequestContext.empty(), "greeter.greeted", Map.of("name", name));
    return "hello " + name;
  }

  @Override
  public String slow(String name, long millis) {
    running.incrementAndGet();
    try {
      Thread.sleep(millis); // stands for real work
      return "slow " + name;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted " + name;
    } finally {
      running.decrementAndGet();
    }
  }

  /** Requests running now. */
  public int running() {
    return running.get();
  }
}
