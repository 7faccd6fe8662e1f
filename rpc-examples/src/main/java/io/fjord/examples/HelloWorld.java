package io.fjord.examples;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Example 1, hello world: one server, one client, one call. The server exposes the public methods
 * of {@link Greeter}; the client calls {@code hello(name="world")} on the topic and waits for the
 * reply. Exits non-zero when the reply is not the expected greeting.
 */
public final class HelloWorld {
  private HelloWorld() {
  }

  /** The endpoint: every public method is an RPC method, arguments bound by name. */
  public static final class Greeter {
    public String hello(String name) {
      return "Hello, " + name + "!";
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) {
    String topic = "fjord_hello_" + id;
    try (Transport transport = Transport.open(TransportUrl.parse(url), Brokers.ownExchange(id))) {
      RpcServer.builder(transport, Target.topic(topic).withServer("server-1"))
          .endpoint(new Greeter())
          .build()
          .start();
      out.println("server-1 listening on topic " + topic);

      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();
      String reply = client.call(RequestContext.empty(), "hello", Map.of("name", "world"), String.class);
      out.println("call hello(name=world) -> " + reply);

      boolean ok = "Hello, world!".equals(reply);
      out.println(ok ? "OK: one call, one reply." : "FAILED: expected \"Hello, world!\", got " + reply);
      return ok;
    } finally {
      Declared.by(url, id).rpcTopic(topic, List.of("server-1")).delete(out);
    }
  }
}
