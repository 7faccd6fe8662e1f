package io.fjord.rpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.server.RpcServer;
import io.fjord.rpc.server.ServerInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/** Client and server interceptors, and the request id in the MDC, on {@code memory://}. */
@Timeout(30)
class InterceptorTest {
  /** Records what it sees on the server's thread. */
  public static final class Echo {
    final BlockingQueue<String> mdc = new LinkedBlockingQueue<>();

    public Object context(RequestContext ctx, String key) {
      mdc.add(String.valueOf(MDC.get(RpcServer.MDC_REQUEST_ID)));
      return ctx.get(key);
    }

    public void note(String text) {
      mdc.add(text + " " + MDC.get(RpcServer.MDC_REQUEST_ID));
    }

    public String fail() {
      throw new IllegalStateException("boom");
    }
  }

  private Transport transport;
  private String topic;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final Echo echo = new Echo();

  @BeforeEach
  void open() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    topic = "icpt_" + id;
    transport = Transport.open(TransportUrl.parse("memory://"),
        TransportOptions.builder().controlExchange("icpt_x_" + id).build());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    transport.close();
  }

  private void serve(ServerInterceptor... interceptors) {
    RpcServer.Builder b = RpcServer.builder(transport, Target.topic(topic).withServer("s1")).endpoint(echo);
    for (ServerInterceptor i : interceptors) {
      b.interceptor(i);
    }
    RpcServer s = b.build();
    opened.add(s);
    s.start();
  }

  private RpcClient.Builder client() {
    return RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10));
  }

  private static ClientInterceptor recording(List<String> trace, String name) {
    return (invocation, chain) -> {
      trace.add(name + ">");
      return chain.proceed(invocation).whenComplete((r, e) -> trace.add("<" + name + (e == null ? " " + r : " failed")));
    };
  }

  @Test
  void clientInterceptorsRunInOrderAndAddContextKeys() {
    serve();
    List<String> trace = new CopyOnWriteArrayList<>();
    RpcClient client = client()
        .interceptor(recording(trace, "a"))
        .interceptor((invocation, chain) -> chain.proceed(invocation.withContext(
            invocation.context().with("trace_id", "t-" + invocation.context().get("user_id")))))
        .interceptor(recording(trace, "b"))
        .build();

    Object seen = client.call(RequestContext.builder().userId("alice").build(), "context", Map.of("key", "trace_id"),
        String.class);

    assertThat(seen).isEqualTo("t-alice");
    assertThat(trace).containsExactly("a>", "b>", "<b t-alice", "<a t-alice");
  }

  @Test
  void clientInterceptorsSeeFailuresAndCastsAndAsyncCalls() throws Exception {
    serve();
    List<String> trace = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    RpcClient client = client().interceptor((invocation, chain) -> {
      trace.add(invocation.toString().replace(topic, "T"));
      return chain.proceed(invocation).whenComplete((r, e) -> {
        if (e != null) {
          failures.add(e);
        }
      });
    }).build();

    assertThatThrownBy(() -> client.call(null, "fail", Map.of(), String.class)).isInstanceOf(RemoteException.class);
    client.cast(null, "note", Map.of("text", "cast"));
    client.castAsync(null, "note", Map.of("text", "castAsync")).get(10, TimeUnit.SECONDS);
    assertThat(client.callAsync(null, "context", Map.of("key", "x"), String.class).get(10, TimeUnit.SECONDS)).isNull();

    assertThat(trace).containsExactly("call 'fail' to Target{topic=T}", "cast 'note' to Target{topic=T}",
        "cast 'note' to Target{topic=T}", "call 'context' to Target{topic=T}");
    assertThat(failures).singleElement().satisfies(e ->
        assertThat(e.getCause() == null ? e : e.getCause()).isInstanceOf(RemoteException.class));
  }

  @Test
  void clientInterceptorShortCircuitsWithoutSending() {
    // no server: a call that was sent would time out
    RpcClient client = client().timeout(Duration.ofSeconds(1))
        .interceptor((invocation, chain) -> CompletableFuture.completedFuture("cached " + invocation.method()))
        .build();

    assertThat(client.call(null, "anything", Map.of(), String.class)).isEqualTo("cached anything");
  }

  @Test
  void serverInterceptorsRunInOrderAddContextKeysAndObserveResults() {
    List<String> trace = new CopyOnWriteArrayList<>();
    serve((invocation, chain) -> {
      trace.add("a> " + invocation.method() + " call=" + invocation.isCall());
      Object r = chain.proceed(invocation.withContext(invocation.context().with("tenant_hint", "blue")));
      trace.add("<a " + r);
      return r;
    }, (invocation, chain) -> {
      trace.add("b> " + invocation.context().get("tenant_hint"));
      return chain.proceed(invocation);
    });

    assertThat(client().build().call(null, "context", Map.of("key", "tenant_hint"), String.class)).isEqualTo("blue");
    assertThat(trace).containsExactly("a> context call=true", "b> blue", "<a blue");
  }

  @Test
  void serverInterceptorObservesFailuresAndCanShortCircuit() {
    List<String> failures = new CopyOnWriteArrayList<>();
    serve((invocation, chain) -> {
      try {
        return chain.proceed(invocation);
      } catch (Exception e) {
        failures.add(invocation.method() + ": " + e.getClass().getSimpleName());
        throw e;
      }
    }, (invocation, chain) -> {
      if ("context".equals(invocation.method()) && invocation.args().path("key").asText().equals("secret")) {
        throw new SecurityException("not for you");
      }
      return "denied".equals(invocation.args().path("key").asText()) ? "short-circuited" : chain.proceed(invocation);
    });
    RpcClient client = client().build();

    assertThat(client.call(null, "context", Map.of("key", "denied"), String.class)).isEqualTo("short-circuited");
    assertThatThrownBy(() -> client.call(null, "context", Map.of("key", "secret"), String.class))
        .isInstanceOf(RemoteException.class).hasMessageContaining("not for you");
    assertThatThrownBy(() -> client.call(null, "missing", Map.of(), String.class))
        .isInstanceOf(NoSuchRpcMethodException.class);
    assertThatThrownBy(() -> client.call(null, "fail", Map.of(), String.class)).isInstanceOf(RemoteException.class);
    assertThat(echo.mdc).isEmpty();
    assertThat(failures).containsExactly("context: SecurityException", "missing: NoSuchRpcMethodException",
        "fail: IllegalStateException");
  }

  @Test
  void serverThreadsCarryTheRequestIdInTheMdc() throws Exception {
    List<String> inInterceptor = new CopyOnWriteArrayList<>();
    serve((invocation, chain) -> {
      inInterceptor.add(MDC.get(RpcServer.MDC_REQUEST_ID));
      return chain.proceed(invocation);
    });
    RpcClient client = client().build();

    client.call(RequestContext.builder().requestId("req-42").build(), "context", Map.of("key", "x"), String.class);
    client.call(null, "context", Map.of("key", "x"), String.class);
    client.cast(RequestContext.builder().requestId("req-43").build(), "note", Map.of("text", "cast"));

    assertThat(echo.mdc.poll(5, TimeUnit.SECONDS)).isEqualTo("req-42");
    String generated = echo.mdc.poll(5, TimeUnit.SECONDS);
    assertThat(generated).matches("[0-9a-f]{32}");   // the call's _msg_id
    assertThat(echo.mdc.poll(5, TimeUnit.SECONDS)).isEqualTo("cast req-43");
    assertThat(inInterceptor).containsExactly("req-42", generated, "req-43");
  }
}
