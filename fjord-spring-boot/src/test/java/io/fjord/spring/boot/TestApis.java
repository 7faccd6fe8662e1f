package io.fjord.spring.boot;

import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcApi;
import io.fjord.rpc.annotation.RpcEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The RPC contracts, endpoints and listeners the auto-configuration tests serve. */
final class TestApis {
  private TestApis() {
  }

  @RpcApi(topic = "sb-greeter", namespace = "greeter", version = "1.0")
  interface GreeterApi {
    String greet(@Param("name") String name);

    CompletableFuture<String> slow(@Param("name") String name);
  }

  /** No topic of its own: the client group's or the server's property gives it. */
  @RpcApi(namespace = "echo", version = "1.0")
  interface EchoApi {
    String echo(@Param("text") String text);
  }

  @RpcEndpoint(namespace = "greeter", version = "1.0")
  static class Greeter implements GreeterApi {
    final CountDownLatch slowStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String greet(String name) {
      return "hello " + name + " from " + Thread.currentThread().getName();
    }

    @Override
    public CompletableFuture<String> slow(String name) {
      slowStarted.countDown();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          return CompletableFuture.completedFuture("not released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture("slow " + name);
    }
  }

  @RpcEndpoint(namespace = "echo", version = "1.0")
  static class Echo implements EchoApi {
    @Override
    public String echo(String text) {
      return text;
    }
  }

  @RpcEndpoint(namespace = "pinned", topic = "${test.pinned-topic:sb-pinned}", server = "pinned-host")
  static class Pinned {
    public String where() {
      return "pinned";
    }
  }

  @RpcEndpoint
  static class NoTopic {
    public String nothing() {
      return "";
    }
  }

  @NotificationListener(topics = "sb-notifications", pool = "sb-audit", eventType = "compute\\.")
  static class Audit {
    final List<ReceivedNotification> received = new CopyOnWriteArrayList<>();
    final CountDownLatch got = new CountDownLatch(1);

    public void info(ReceivedNotification n) {
      received.add(n);
      got.countDown();
    }

    boolean await(Duration timeout) throws InterruptedException {
      return got.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
