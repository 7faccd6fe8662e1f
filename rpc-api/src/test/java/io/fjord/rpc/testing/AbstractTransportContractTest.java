package io.fjord.rpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fjord.rpc.Capability;
import io.fjord.rpc.InvalidTargetException;
import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.RpcVersionCapException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportException;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.annotation.NonBlocking;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.client.CallOptions;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every transport driver must do, seen through the public API: calls, casts, fanout, routing
 * to one server, timeouts, remote errors, versions, contexts, concurrency, call-monitor heartbeats
 * and the server lifecycle. A driver module runs it by naming its URL:
 *
 * <pre>{@code
 * class MemoryTransportContractTest extends AbstractTransportContractTest {
 *   protected String transportUrl() { return "memory://"; }
 * }
 * }</pre>
 *
 * <p>Each test uses its own random topic and control exchange ({@code ct_<hex>}, {@code ct_x_<hex>}),
 * opens separate transports for servers and clients (as separate processes would), and closes
 * everything it opened after the test. Nothing here depends on a particular driver; a subclass
 * whose broker is unreachable should abort (JUnit assumption) rather than pass.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractTransportContractTest {
  private static final Logger log = LoggerFactory.getLogger(AbstractTransportContractTest.class);

  /** How long a test waits for something that should happen. */
  protected static final Duration WAIT = Duration.ofSeconds(10);
  /** The timeout of calls that are expected to time out. */
  protected static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
  /** Namespace and version of {@link TestEndpoint}. */
  protected static final String NAMESPACE = "ns";
  protected static final String VERSION = "1.3";

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  /** This test's topic. */
  protected String topic;
  /** This test's control exchange. */
  protected String exchange;

  /** The URL of the transport under test, e.g. {@code memory://} or {@code rabbit://guest:guest@host:5672/}. */
  protected abstract String transportUrl();

  /**
   * Options for every transport the suite opens; override to add driver settings. The suite then
   * sets this test's control exchange and a close timeout of 5 s.
   */
  protected TransportOptions.Builder transportOptions() {
    return TransportOptions.builder();
  }

  @BeforeEach
  public void chooseNames() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    topic = "ct_" + id;
    exchange = "ct_x_" + id;
  }

  @AfterEach
  public void closeEverythingOpened() {
    while (!opened.isEmpty()) {
      AutoCloseable c = opened.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("Closing {} after the test failed", c, e);
      }
    }
  }

  // ---- helpers

  /** Closes {@code resource} after the test, before everything opened earlier. */
  protected <T extends AutoCloseable> T closeAfterTest(T resource) {
    opened.push(resource);
    return resource;
  }

  /** Opens a transport on {@link #transportUrl()} that is closed after the test. */
  protected Transport openTransport() {
    Transport t = closeAfterTest(Transport.open(TransportUrl.parse(transportUrl()),
        transportOptions().controlExchange(exchange).closeTimeout(Duration.ofSeconds(5)).build()));
    // the suite is RPC's contract: a driver that declares no RPC is not held to it (its builders refuse RPC)
    org.junit.jupiter.api.Assumptions.assumeTrue(t.supports(Capability.RPC),
        () -> t.url().scheme() + ":// does not declare " + Capability.RPC);
    return t;
  }

  /** Builds and starts a server for this test's topic, closed after the test. */
  protected RpcServer startServer(Transport transport, String server, Object... endpoints) {
    RpcServer s = closeAfterTest(RpcServer.builder(transport, Target.topic(topic).withServer(server))
        .endpoints(endpoints).build());
    s.start();
    return s;
  }

  /** The target {@link TestEndpoint} serves: this test's topic and namespace {@code ns}, no version. */
  protected Target target() {
    return Target.topic(topic).withNamespace(NAMESPACE);
  }

  protected RpcClient.Builder clientBuilder(Transport transport, Target target) {
    return RpcClient.builder(transport, target).timeout(WAIT);
  }

  protected RpcClient client(Transport transport) {
    return clientBuilder(transport, target()).build();
  }

  private static RequestContext ctx() {
    return RequestContext.builder().requestId("req-" + UUID.randomUUID()).build();
  }

  private static String awaitReceived(TestEndpoint endpoint) throws InterruptedException {
    String value = endpoint.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (value == null) {
      fail("Server " + endpoint.name + " received nothing within " + WAIT);
    }
    return value;
  }

  /** A value result of the suite's endpoint. */
  public record Item(String name, int size) {
  }

  /** The endpoint every test serves. Methods are RPC methods; state lives in fields. */
  @RpcEndpoint(namespace = NAMESPACE, version = VERSION)
  public static class TestEndpoint {
    final String name;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final AtomicReference<RequestContext> lastContext = new AtomicReference<>();
    final CountDownLatch gate = new CountDownLatch(1);

    public TestEndpoint(String name) {
      this.name = name;
    }

    public int add(int a, int b) {
      return a + b;
    }

    public String echo(String value) {
      return value;
    }

    public String whoami() {
      return name;
    }

    public List<Item> items(int count) {
      List<Item> items = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        items.add(new Item("item-" + i, i));
      }
      return items;
    }

    public void record(String value) {
      received.add(value);
    }

    /** Records {@code value} once the test opens the gate. */
    public void recordAfterGate(String value) throws InterruptedException {
      if (gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        received.add(value);
      }
    }

    public void fail(String message) {
      throw new IllegalArgumentException(message);
    }

    public String context(RequestContext context) {
      lastContext.set(context);
      return "ok";
    }

    public String slow(RequestContext context, long millis) throws InterruptedException {
      lastContext.set(context);
      Thread.sleep(millis);
      return "done after " + millis + "ms";
    }

    @RpcMethod("_hidden")
    public String hidden() {
      return "should not be callable";
    }
  }

  // ---- call

  @Test
  void callReturnsTypedResult() {
    Transport serverTransport = openTransport();
    startServer(serverTransport, "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());

    assertThat(client.call(ctx(), "add", Map.of("a", 2, "b", 3), Integer.class)).isEqualTo(5);
    assertThat(client.call(ctx(), "echo", Map.of("value", "h\u00e9llo \u2603"), String.class)).isEqualTo("h\u00e9llo \u2603");
    assertThat(client.call(ctx(), "items", Map.of("count", 1), Object.class))
        .isEqualTo(List.of(Map.of("name", "item-0", "size", 0)));
  }

  @Test
  void callConvertsResultToGenericType() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());

    List<Item> items = client.call(ctx(), "items", Map.of("count", 3), new TypeReference<List<Item>>() { });

    assertThat(items).containsExactly(new Item("item-0", 0), new Item("item-1", 1), new Item("item-2", 2));
  }

  @Test
  void callOfVoidMethodReturnsNull() {
    TestEndpoint endpoint = new TestEndpoint("s1");
    startServer(openTransport(), "s1", endpoint);
    RpcClient client = client(openTransport());

    assertThat(client.call(ctx(), "record", Map.of("value", "v"), Object.class)).isNull();
    assertThat(endpoint.received).containsExactly("v");
  }

  @Test
  void callAsyncCompletesWithResult() throws Exception {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());

    CompletableFuture<Integer> sum = client.callAsync(ctx(), "add", Map.of("a", 20, "b", 22), Integer.class);
    CompletableFuture<List<Item>> items = client.callAsync(ctx(), "items", Map.of("count", 2),
        new TypeReference<List<Item>>() { });

    assertThat(sum.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(42);
    assertThat(items.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).hasSize(2);
  }

  @Test
  void callAsyncCompletesExceptionallyWithRemoteError() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());

    CompletableFuture<Object> f = client.callAsync(ctx(), "fail", Map.of("message", "async boom"), Object.class);

    assertThatThrownBy(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(RemoteException.class)
        .satisfies(e -> assertThat(((RemoteException) e).remoteMessage()).isEqualTo("async boom"));
  }

  // ---- cast and fanout

  @Test
  void castReachesServer() throws Exception {
    TestEndpoint endpoint = new TestEndpoint("s1");
    startServer(openTransport(), "s1", endpoint);
    RpcClient client = client(openTransport());

    client.cast(ctx(), "record", Map.of("value", "hello"));

    assertThat(awaitReceived(endpoint)).isEqualTo("hello");
  }

  @Test
  void castReturnsBeforeServerHandles() throws Exception {
    TestEndpoint endpoint = new TestEndpoint("s1");
    startServer(openTransport(), "s1", endpoint);
    RpcClient client = client(openTransport());
    try {
      client.cast(ctx(), "recordAfterGate", Map.of("value", "late"));

      assertThat(endpoint.received).isEmpty();
    } finally {
      endpoint.gate.countDown();
    }
    assertThat(awaitReceived(endpoint)).isEqualTo("late");
  }

  @Test
  void castsAreSharedAmongServersOfTheTopic() throws Exception {
    Transport serverTransport = openTransport();
    TestEndpoint one = new TestEndpoint("s1");
    TestEndpoint two = new TestEndpoint("s2");
    startServer(serverTransport, "s1", one);
    startServer(serverTransport, "s2", two);
    RpcClient client = client(openTransport());

    for (int i = 0; i < 10; i++) {
      client.cast(ctx(), "record", Map.of("value", "m" + i));
    }

    Set<String> seen = new HashSet<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (seen.size() < 10 && System.nanoTime() < deadline) {
      for (TestEndpoint e : List.of(one, two)) {
        String v = e.received.poll(10, TimeUnit.MILLISECONDS);
        if (v != null) {
          assertThat(seen.add(v)).as("%s delivered twice", v).isTrue();
        }
      }
    }
    assertThat(seen).hasSize(10);
  }

  @Test
  void fanoutCastReachesEveryServer() throws Exception {
    Transport serverTransport = openTransport();
    List<TestEndpoint> endpoints = List.of(new TestEndpoint("s1"), new TestEndpoint("s2"), new TestEndpoint("s3"));
    for (TestEndpoint e : endpoints) {
      startServer(serverTransport, e.name, e);
    }
    RpcClient client = client(openTransport());

    client.prepare(null, true).cast(ctx(), "record", Map.of("value", "to-all"));

    for (TestEndpoint e : endpoints) {
      assertThat(awaitReceived(e)).as("server %s", e.name).isEqualTo("to-all");
    }
  }

  @Test
  void callToServerAlwaysLandsOnThatServer() {
    Transport serverTransport = openTransport();
    for (String name : List.of("s1", "s2", "s3")) {
      startServer(serverTransport, name, new TestEndpoint(name));
    }
    RpcClient client = client(openTransport());

    for (int i = 0; i < 20; i++) {
      assertThat(client.prepare("s2", false).call(ctx(), "whoami", Map.of(), String.class)).isEqualTo("s2");
    }
    assertThat(client.prepare(CallOptions.builder().server("s3").build()).call(ctx(), "whoami", Map.of(), String.class))
        .isEqualTo("s3");
  }

  @Test
  void stoppedServerFinishesWhatItReceivedAndNothingIsHandledTwice() throws Exception {
    Transport serverTransport = openTransport();
    ExecutorService oneAtATime = Executors.newSingleThreadExecutor();
    closeAfterTest(oneAtATime::shutdownNow);
    CountDownLatch admitted = new CountDownLatch(2);
    TestEndpoint first = new TestEndpoint("s1");
    RpcServer s1 = closeAfterTest(RpcServer.builder(serverTransport, Target.topic(topic).withServer("s1"))
        .endpoint(first).executor(r -> {
          admitted.countDown();
          oneAtATime.execute(r);
        }).build());
    s1.start();
    RpcClient client = client(openTransport());
    client.cast(ctx(), "recordAfterGate", Map.of("value", "running"));
    client.cast(ctx(), "recordAfterGate", Map.of("value", "waiting"));
    assertThat(admitted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("both casts reached s1").isTrue();

    s1.stop();
    TestEndpoint second = new TestEndpoint("s2");
    second.gate.countDown();
    startServer(serverTransport, "s2", second);
    first.gate.countDown();
    assertThat(s1.awaitTermination(WAIT)).isTrue();
    client.cast(ctx(), "recordAfterGate", Map.of("value", "after-stop"));

    assertThat(awaitReceived(first)).isEqualTo("running");
    assertThat(awaitReceived(first)).isEqualTo("waiting");
    assertThat(awaitReceived(second)).as("s2 must not get the request s1 had received").isEqualTo("after-stop");
    assertThat(first.received).isEmpty();
  }

  @Test
  void castToServerLandsOnThatServer() throws Exception {
    Transport serverTransport = openTransport();
    TestEndpoint one = new TestEndpoint("s1");
    TestEndpoint two = new TestEndpoint("s2");
    startServer(serverTransport, "s1", one);
    startServer(serverTransport, "s2", two);
    RpcClient client = client(openTransport());

    Set<String> sent = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      client.prepare("s2", false).cast(ctx(), "record", Map.of("value", "c" + i));
      sent.add("c" + i);
    }
    Set<String> atTwo = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      atTwo.add(awaitReceived(two)); // requests run concurrently on the server: any order
    }
    assertThat(atTwo).isEqualTo(sent);
    assertThat(one.received).isEmpty();
  }

  // ---- timeouts

  @Test
  void callWithNoServerTimesOut() {
    RpcClient client = clientBuilder(openTransport(), target()).timeout(SHORT_TIMEOUT).build();

    long start = System.nanoTime();
    Throwable thrown = catchThrowable(() -> client.call(ctx(), "add", Map.of("a", 1, "b", 2), Integer.class));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(thrown).isInstanceOf(MessagingTimeoutException.class)
        .hasMessageContaining("call 'add' to " + target())
        .hasMessageStartingWith("Timed out after 1s waiting for a reply to call 'add' to " + target());
    MessagingTimeoutException timeout = (MessagingTimeoutException) thrown;
    assertThat(timeout.method()).isEqualTo("add");
    assertThat(timeout.target()).isEqualTo(target());
    assertThat(timeout.timeout()).isEqualTo(SHORT_TIMEOUT);
    assertThat(timeout.messageId()).matches("[0-9a-f]{32}");
    assertThat(elapsed).isGreaterThanOrEqualTo(SHORT_TIMEOUT.minusMillis(50))
        .isLessThan(SHORT_TIMEOUT.plusSeconds(1));
  }

  @Test
  void callMonitorKeepsASlowCallAlive() {
    TestEndpoint endpoint = new TestEndpoint("s1");
    startServer(openTransport(), "s1", endpoint);
    RpcClient client = client(openTransport()).prepare(CallOptions.builder()
        .callMonitorTimeout(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(10)).build());

    String result = client.call(ctx(), "slow", Map.of("millis", 3000), String.class);

    assertThat(result).isEqualTo("done after 3000ms");
    assertThat(endpoint.lastContext.get().get("client_timeout")).isEqualTo(2);
  }

  // ---- where endpoint methods run

  /** Reports the thread each method runs on; {@code quick} and {@code quickFail} are declared non-blocking. */
  public static class ThreadsEndpoint {
    final BlockingQueue<String> casts = new LinkedBlockingQueue<>();

    @NonBlocking
    public String quick() {
      return Thread.currentThread().getName();
    }

    @NonBlocking
    public void quickCast(String value) {
      casts.add(value + "@" + Thread.currentThread().getName());
    }

    @NonBlocking
    public String quickFail(String message) {
      throw new IllegalStateException(message);
    }

    public String ordinary() {
      return Thread.currentThread().getName();
    }
  }

  @Test
  void aNonBlockingMethodRunsOnTheDeliveryThreadAndTheOthersOnTheExecutor() throws Exception {
    Transport transport = openTransport();
    ExecutorService executor = Executors.newCachedThreadPool(r -> new Thread(r, "contract-executor"));
    closeAfterTest((AutoCloseable) executor::shutdownNow);
    ThreadsEndpoint endpoint = new ThreadsEndpoint();
    RpcServer server = closeAfterTest(RpcServer.builder(transport, Target.topic(topic).withServer("s1"))
        .endpoint(endpoint).executor(executor).build());
    server.start();
    RpcClient client = clientBuilder(openTransport(), Target.topic(topic)).build();

    assertThat(client.call(ctx(), "ordinary", Map.of(), String.class)).isEqualTo("contract-executor");
    assertThat(client.call(ctx(), "quick", Map.of(), String.class)).isNotEqualTo("contract-executor")
        .isNotEqualTo(Thread.currentThread().getName());
    client.cast(ctx(), "quickCast", Map.of("value", "v1"));
    String cast = endpoint.casts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(cast).startsWith("v1@").doesNotEndWith("@contract-executor");
    // a non-blocking method's failure is a remote error like any other, and the server keeps serving
    assertThatThrownBy(() -> client.call(ctx(), "quickFail", Map.of("message", "out of quota"), String.class))
        .isExactlyInstanceOf(RemoteException.class).hasMessageContaining("IllegalStateException: out of quota");
    // an unknown method, looked up on the delivery thread, is refused on the executor as before
    assertThatThrownBy(() -> client.call(ctx(), "unknown", Map.of(), String.class))
        .isInstanceOf(NoSuchRpcMethodException.class);
    assertThat(client.call(ctx(), "quick", Map.of(), String.class)).isNotEqualTo("contract-executor");
  }

  // ---- remote errors

  @Test
  void endpointExceptionArrivesAsRemoteException() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());

    Throwable thrown = catchThrowable(() -> client.call(ctx(), "fail", Map.of("message", "no such flavor: m1.huge"),
        Object.class));

    assertThat(thrown).isExactlyInstanceOf(RemoteException.class)
        .hasMessage("Remote error: java.lang.IllegalArgumentException: no such flavor: m1.huge (call 'fail' to "
            + target() + ")");
    RemoteException remote = (RemoteException) thrown;
    assertThat(remote.remoteClass()).isEqualTo("IllegalArgumentException");
    assertThat(remote.remoteModule()).isEqualTo("java.lang");
    assertThat(remote.remoteMessage()).isEqualTo("no such flavor: m1.huge");
    assertThat(remote.remoteArgs()).containsExactly("no such flavor: m1.huge");
    assertThat(remote.remoteTraceback()).first()
        .isEqualTo("java.lang.IllegalArgumentException: no such flavor: m1.huge\n");
  }

  @Test
  void allowedRemoteExceptionIsRethrownAsItsJavaType() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = clientBuilder(openTransport(), target())
        .allowRemoteException(IllegalArgumentException.class)
        .build();

    Throwable thrown = catchThrowable(() -> client.call(ctx(), "fail", Map.of("message", "bad flavor"), Object.class));

    assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad flavor");
    assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(RemoteException.class);
  }

  // ---- versions and dispatch

  @Test
  void callWithOlderMinorVersionIsServed() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    Transport clientTransport = openTransport();

    for (String version : List.of("1.0", "1.2", "1.3", "1.3.0")) {
      RpcClient client = clientBuilder(clientTransport, target().withVersion(version)).build();
      assertThat(client.call(ctx(), "add", Map.of("a", 1, "b", 1), Integer.class)).as("version %s", version)
          .isEqualTo(2);
    }
  }

  @Test
  void callWithNewerMinorVersionIsUnsupported() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = clientBuilder(openTransport(), target().withVersion("1.4")).build();

    assertThatThrownBy(() -> client.call(ctx(), "add", Map.of("a", 1, "b", 1), Integer.class))
        .isExactlyInstanceOf(UnsupportedRpcVersionException.class)
        .satisfies(e -> assertThat(((RemoteException) e).remoteMessage())
            .isEqualTo("Endpoint does not support RPC version 1.4. Attempted method: add"));
  }

  @Test
  void callWithOtherMajorVersionIsUnsupported() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = clientBuilder(openTransport(), target().withVersion("2.0")).build();

    assertThatThrownBy(() -> client.call(ctx(), "add", Map.of("a", 1, "b", 1), Integer.class))
        .isExactlyInstanceOf(UnsupportedRpcVersionException.class)
        .satisfies(e -> assertThat(((RemoteException) e).remoteMessage())
            .isEqualTo("Endpoint does not support RPC version 2.0. Attempted method: add"));
  }

  @Test
  void callWithWrongNamespaceIsUnsupportedVersion() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    Transport clientTransport = openTransport();

    for (Target t : List.of(target().withNamespace("other"), Target.topic(topic))) {
      RpcClient client = clientBuilder(clientTransport, t).build();
      assertThatThrownBy(() -> client.call(ctx(), "add", Map.of("a", 1, "b", 1), Integer.class))
          .as("namespace %s", t.namespace())
          .isExactlyInstanceOf(UnsupportedRpcVersionException.class)
          .satisfies(e -> assertThat(((RemoteException) e).remoteMessage())
              .isEqualTo("Endpoint does not support RPC version 1.0. Attempted method: add"));
    }
  }

  @Test
  void callToUnknownMethodIsNoSuchMethod() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());

    assertThatThrownBy(() -> client.call(ctx(), "no_such_method", Map.of(), Object.class))
        .isExactlyInstanceOf(NoSuchRpcMethodException.class)
        .satisfies(e -> assertThat(((RemoteException) e).remoteMessage())
            .isEqualTo("Endpoint does not support RPC method no_such_method"));
  }

  @Test
  void callToUnderscoreMethodIsNoSuchMethod() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());

    assertThatThrownBy(() -> client.call(ctx(), "_hidden", Map.of(), Object.class))
        .isExactlyInstanceOf(NoSuchRpcMethodException.class);
  }

  @Test
  void versionAboveCapIsRejectedBeforeSending() {
    Transport clientTransport = openTransport();
    RpcClient client = clientBuilder(clientTransport, target().withVersion("1.2")).versionCap("1.1").build();
    String expected = "Requested message version 1.2 of 'add' to " + client.target()
        + " is above the version cap 1.1 (hint: check canSendVersion and send an older version)";

    // thrown by callAsync itself, not through the future: nothing was sent
    assertThatThrownBy(() -> client.callAsync(ctx(), "add", Map.of("a", 1, "b", 1), Integer.class))
        .isExactlyInstanceOf(RpcVersionCapException.class)
        .hasMessage(expected)
        .satisfies(e -> {
          assertThat(((RpcVersionCapException) e).version()).isEqualTo("1.2");
          assertThat(((RpcVersionCapException) e).versionCap()).isEqualTo("1.1");
        });
    assertThatThrownBy(() -> client.castAsync(ctx(), "add", Map.of("a", 1, "b", 1)))
        .isExactlyInstanceOf(RpcVersionCapException.class);
    assertThat(client.canSendVersion("1.1")).isTrue();
    assertThat(client.canSendVersion("1.0")).isTrue();
    assertThat(client.canSendVersion("1.2")).isFalse();
    assertThat(client.canSendVersion("2.0")).isFalse();
    assertThat(client(clientTransport).canSendVersion("9.9")).isTrue();
  }

  @Test
  void badArgumentsGiveTypeErrorAndServerKeepsServing() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());
    Map<String, Object> unknown = Map.of("a", 1, "b", 2, "c", 3);
    Map<String, Object> missing = Map.of("a", 1);
    Map<String, Object> wrongType = Map.of("a", Map.of("x", 1), "b", 2);

    assertTypeError(() -> client.call(ctx(), "add", unknown, Integer.class), "unexpected keyword argument 'c'");
    assertTypeError(() -> client.call(ctx(), "add", missing, Integer.class), "missing required keyword argument 'b'");
    assertTypeError(() -> client.call(ctx(), "add", wrongType, Integer.class), "argument 'a' cannot be converted to int");
    assertThat(client.call(ctx(), "add", Map.of("a", 1, "b", 2), Integer.class)).isEqualTo(3);
  }

  private static void assertTypeError(ThrowingCallable call, String expectedText) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isExactlyInstanceOf(RemoteException.class);
    RemoteException remote = (RemoteException) thrown;
    assertThat(remote.remoteClass()).isEqualTo("TypeError");
    assertThat(remote.remoteModule()).isEqualTo("builtins");
    assertThat(remote.remoteMessage()).contains(expectedText);
  }

  // ---- context

  @Test
  void contextReachesEndpointUnchangedWithClientTimeout() {
    TestEndpoint endpoint = new TestEndpoint("s1");
    startServer(openTransport(), "s1", endpoint);
    RpcClient client = client(openTransport());
    RequestContext sent = RequestContext.builder()
        .requestId("req-0f9e")
        .userId("u-123")
        .projectId("p-456")
        .roles(List.of("admin", "member"))
        .admin(true)
        .put("custom_key", Map.of("nested", Map.of("deep", List.of(1, "two", 3.5, false))))
        .put("nothing", null)
        .put("unicode", "h\u00e9llo \u2603")
        .build();

    client.call(sent, "context", Map.of(), String.class);

    RequestContext seen = endpoint.lastContext.get();
    assertThat(seen).isEqualTo(sent.with("client_timeout", null));
    assertThat(seen.asMap().keySet()).containsExactly("request_id", "user_id", "project_id", "roles", "is_admin",
        "custom_key", "nothing", "unicode", "client_timeout");
    assertThat(seen.requestId()).isEqualTo("req-0f9e");
    assertThat(seen.roles()).containsExactly("admin", "member");
    assertThat(seen.isAdmin()).isTrue();
  }

  // ---- concurrency

  @Test
  void concurrentCallsEachGetTheirOwnResult() throws Exception {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    RpcClient client = client(openTransport());
    int threads = 16;
    int callsPerThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < callsPerThread; i++) {
            int result = client.call(ctx(), "add", Map.of("a", thread * 1000, "b", i), Integer.class);
            assertThat(result).isEqualTo(thread * 1000 + i);
            ok++;
          }
          return ok;
        }));
      }
      int total = 0;
      for (Future<Integer> f : done) {
        total += f.get(WAIT.toMillis() * 3, TimeUnit.MILLISECONDS);
      }
      assertThat(total).isEqualTo(threads * callsPerThread);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- targets

  @Test
  void callToFanoutTargetIsRejected() {
    RpcClient client = client(openTransport());

    assertThatThrownBy(() -> client.prepare(null, true).call(ctx(), "add", Map.of(), Integer.class))
        .isExactlyInstanceOf(InvalidTargetException.class)
        .hasMessage("A call cannot go to a fanout target (use cast): cannot call 'add' on " + target().withFanout(true));
  }

  @Test
  void serverNeedsATargetWithServer() {
    Transport transport = openTransport();

    assertThatThrownBy(() -> RpcServer.builder(transport, Target.topic(topic)))
        .isExactlyInstanceOf(InvalidTargetException.class);
  }

  // ---- server lifecycle

  @Test
  void serverLifecycleIsEnforcedAndIdempotent() throws Exception {
    Transport serverTransport = openTransport();
    RpcServer server = closeAfterTest(RpcServer.builder(serverTransport, Target.topic(topic).withServer("s1"))
        .endpoint(new TestEndpoint("s1")).build());
    RpcClient client = clientBuilder(openTransport(), target()).timeout(SHORT_TIMEOUT).build();

    assertThat(server.isRunning()).isFalse();
    assertThatThrownBy(() -> server.awaitTermination(WAIT))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("NEW");
    server.start();
    assertThat(server.isRunning()).isTrue();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("RUNNING");
    assertThatThrownBy(() -> server.awaitTermination(WAIT))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("RUNNING");
    assertThat(client.call(ctx(), "add", Map.of("a", 1, "b", 2), Integer.class)).isEqualTo(3);

    server.stop();
    server.stop();
    assertThat(server.isRunning()).isFalse();
    assertThat(server.awaitTermination(WAIT)).isTrue();
    assertThat(server.awaitTermination(WAIT)).isTrue();
    server.close();
    server.close();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");

    assertThatThrownBy(() -> client.call(ctx(), "add", Map.of("a", 1, "b", 2), Integer.class))
        .isInstanceOf(MessagingTimeoutException.class);
  }

  @Test
  void closeOfNeverStartedServerIsAllowed() {
    RpcServer server = RpcServer.builder(openTransport(), Target.topic(topic).withServer("s1"))
        .endpoint(new TestEndpoint("s1")).build();

    server.close();
    server.close();

    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void duplicateWireNamesAreRejectedAtBuild() {
    Transport transport = openTransport();
    RpcServer.Builder builder = RpcServer.builder(transport, Target.topic(topic).withServer("s1"))
        .endpoint(new DuplicateNames());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exposes two methods as 'get'")
        .hasMessageContaining("rename one with @RpcMethod");
  }

  @Test
  void overloadedMethodsAreRejectedAtBuild() {
    Transport transport = openTransport();
    RpcServer.Builder builder = RpcServer.builder(transport, Target.topic(topic).withServer("s1"))
        .endpoint(new Overloads());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exposes two methods as 'put'");
  }

  @Test
  void serverWithoutEndpointsIsRejectedAtBuild() {
    RpcServer.Builder builder = RpcServer.builder(openTransport(), Target.topic(topic).withServer("s1"));

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs at least one endpoint");
  }

  // ---- transport lifecycle

  @Test
  void closingTransportFailsWaitingCalls() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));
    Transport clientTransport = openTransport();
    RpcClient client = client(clientTransport);
    CompletableFuture<String> waiting = client.callAsync(ctx(), "slow", Map.of("millis", 1000), String.class);

    clientTransport.close();

    assertThatThrownBy(() -> waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(TransportException.class);
    assertThat(clientTransport.isClosed()).isTrue();
    assertThatThrownBy(() -> client.call(ctx(), "add", Map.of("a", 1, "b", 2), Integer.class))
        .isInstanceOf(TransportException.class);
    clientTransport.close();
  }

  // ---- deadline propagation

  /**
   * One hop of a chain: records the deadline it runs under, then calls the next hop (recording how that call
   * failed), or, the last hop, waits until released.
   */
  @RpcEndpoint(namespace = "hop")
  public static class Hop {
    final RpcClient next;
    final AtomicReference<io.fjord.rpc.Deadline> seen = new AtomicReference<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final CountDownLatch failed = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final BlockingQueue<Duration> probes = new LinkedBlockingQueue<>();

    public Hop(RpcClient next) {
      this.next = next;
    }

    public String hop() throws InterruptedException {
      seen.set(io.fjord.rpc.DeadlineContext.current());
      if (next == null) {
        release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return "last";
      }
      try {
        return next.call(RequestContext.empty(), "hop", Map.of(), String.class);
      } catch (RuntimeException e) {
        failure.set(e);
        failed.countDown();
        throw e;
      }
    }

    /** Two nested calls in a chain of futures: the second starts on a callback thread. */
    public CompletableFuture<String> chain() {
      return next.callAsync(RequestContext.empty(), "probe", Map.of(), String.class)
          .thenCompose(first -> next.callAsync(RequestContext.empty(), "probe", Map.of(), String.class));
    }

    public String probe() {
      io.fjord.rpc.Deadline d = io.fjord.rpc.DeadlineContext.current();
      probes.add(d == null ? Duration.ofDays(1) : d.remaining());
      return "probed";
    }
  }

  private Hop startHop(String name, RpcClient next) {
    Hop hop = new Hop(next);
    RpcServer s = closeAfterTest(RpcServer.builder(openTransport(), Target.topic(topic + "_" + name).withServer("s"))
        .endpoint(hop).build());
    s.start();
    return hop;
  }

  private RpcClient hopClient(String name, Duration timeout, boolean propagate) {
    return RpcClient.builder(openTransport(), Target.topic(topic + "_" + name).withNamespace("hop")).timeout(timeout)
        .propagateDeadline(propagate).build();
  }

  @Test
  void aDeadlinePropagatesOverThreeHopsAndTheInnermostCallFailsAtTheOuterOne() throws Exception {
    Duration own = Duration.ofSeconds(40); // each hop's client: far beyond the test's wait
    Hop third = startHop("3", null);
    Hop second = startHop("2", hopClient("3", own, true));
    Hop first = startHop("1", hopClient("2", own, true));
    Duration outer = Duration.ofMillis(1500);
    try {
      assertThatThrownBy(() -> hopClient("1", outer, true).call(RequestContext.empty(), "hop", Map.of(), String.class))
          .isInstanceOf(MessagingTimeoutException.class);

      // the calls made while serving ran out with the outer deadline, not after their own 40 s
      assertThat(second.failed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("second hop's call failed").isTrue();
      assertThat(second.failure.get()).isInstanceOf(io.fjord.rpc.DeadlineExceededException.class);
      assertThat(first.failed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("first hop's call failed").isTrue();
      assertThat(first.failure.get()).isInstanceOf(io.fjord.rpc.DeadlineExceededException.class);
      // every hop ran under the caller's deadline, each with less of it left
      assertThat(first.seen.get()).isNotNull();
      assertThat(first.seen.get().timeout()).isLessThanOrEqualTo(outer);
      assertThat(third.seen.get()).isNotNull();
      assertThat(third.seen.get().timeout()).isLessThanOrEqualTo(second.seen.get().timeout())
          .isLessThanOrEqualTo(first.seen.get().timeout());
    } finally {
      third.release.countDown();
    }
  }

  @Test
  void aClientThatOptsOutUsesItsOwnTimeoutWhileServing() throws Exception {
    Hop last = startHop("2", null);
    last.release.countDown(); // answers at once
    Hop optedOut = startHop("1", hopClient("2", Duration.ofSeconds(40), false));

    assertThat(hopClient("1", Duration.ofSeconds(5), true).call(RequestContext.empty(), "hop", Map.of(), String.class))
        .isEqualTo("last");

    assertThat(optedOut.seen.get().timeout()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    // the opted-out client's call carried no deadline at all (oslo's bytes), not the 5 s left of the request it
    // was made in; its own 40 s applied at the caller
    assertThat(last.seen.get()).isNull();
  }

  @Test
  void aChainOfFuturesStartedWhileServingKeepsTheDeadline() throws Exception {
    Hop probed = startHop("2", null);
    startHop("1", hopClient("2", Duration.ofSeconds(40), true));

    assertThat(hopClient("1", Duration.ofSeconds(5), true).call(RequestContext.empty(), "chain", Map.of(),
        String.class)).isEqualTo("probed");

    // both nested calls, the second started on a callback thread, carried what was left of the 5 s
    for (int i = 0; i < 2; i++) {
      Duration seen = probed.probes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(seen).as("nested call %d", i + 1).isNotNull().isLessThanOrEqualTo(Duration.ofSeconds(5));
    }
  }

  /** Counts the times it ran. */
  public static class Counted {
    final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();

    public int touch() {
      return runs.incrementAndGet();
    }
  }

  @Test
  void aRequestWhoseDeadlinePassedBeforeDispatchIsNotRun() throws Exception {
    Counted counted = new Counted();
    RpcServer server = startServer(openTransport(), "s1", counted);
    // an interceptor may shorten the budget a message carries; 0 ms: already passed when the server gets it
    RpcClient expired = RpcClient.builder(openTransport(), Target.topic(topic)).timeout(WAIT)
        .interceptor((invocation, chain) -> chain.proceed(invocation.withContext(invocation.context()
            .with(io.fjord.rpc.DeadlineContext.CONTEXT_KEY, 0))))
        .build();

    assertThatThrownBy(() -> expired.call(ctx(), "touch", Map.of(), Integer.class))
        .isInstanceOf(io.fjord.rpc.DeadlineExceededException.class)
        .hasMessageContaining("was not run");
    assertThat(counted.runs).hasValue(0);
    assertThat(server.expiredRequests()).isEqualTo(1);

    expired.cast(ctx(), "touch", Map.of());
    long until = System.nanoTime() + WAIT.toNanos();
    while (server.expiredRequests() < 2 && System.nanoTime() - until < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls the condition until the deadline
    }
    assertThat(server.expiredRequests()).as("the cast was dropped and counted").isEqualTo(2);
    assertThat(counted.runs).hasValue(0);

    // the server keeps serving requests with time left
    assertThat(RpcClient.builder(openTransport(), Target.topic(topic)).timeout(WAIT).build()
        .call(ctx(), "touch", Map.of(), Integer.class)).isEqualTo(1);
  }

  // ---- scatter-gather

  /** Answers with its name, or fails, or waits for its gate first. */
  public static class Member {
    final String name;
    final boolean fails;
    final CountDownLatch gate;
    final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();

    public Member(String name, boolean fails, CountDownLatch gate) {
      this.name = name;
      this.fails = fails;
      this.gate = gate;
    }

    public String answer() throws InterruptedException {
      if (gate != null) {
        gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      answered.incrementAndGet();
      if (fails) {
        throw new IllegalStateException(name + " cannot answer");
      }
      return "I am " + name;
    }
  }

  private Member startMember(String name, boolean fails, CountDownLatch gate) {
    Member m = new Member(name, fails, gate);
    startServer(openTransport(), name, m);
    return m;
  }

  @Test
  void callAllCollectsEveryServersResultByName() {
    for (String name : List.of("s1", "s2", "s3")) {
      startMember(name, false, null);
    }
    RpcClient client = RpcClient.builder(openTransport(), Target.topic(topic)).timeout(WAIT).build();

    io.fjord.rpc.client.GatherResult<String> all = client.callAll(ctx(), "answer", Map.of(), String.class,
        io.fjord.rpc.client.Expected.servers("s1", "s2", "s3"));

    assertThat(all.values()).containsOnly(Map.entry("s1", "I am s1"), Map.entry("s2", "I am s2"),
        Map.entry("s3", "I am s3"));
    assertThat(all.expectationMet()).isTrue();
    assertThat(all.missing()).isEmpty();
    assertThat(all.unattributed()).isEmpty();
  }

  @Test
  void callAllEndsAtTheDeadlineWithTheSlowAndTheDeadServersMissingAndDropsLateReplies() throws Exception {
    CountDownLatch slowGate = new CountDownLatch(1);
    startMember("fast", false, null);
    Member slow = startMember("slow", false, slowGate);
    RpcClient client = RpcClient.builder(openTransport(), Target.topic(topic)).timeout(SHORT_TIMEOUT).build();
    try {
      // "ghost" never started: a dead server
      io.fjord.rpc.client.GatherResult<String> all = client.callAll(ctx(), "answer", Map.of(), String.class,
          io.fjord.rpc.client.Expected.servers("fast", "slow", "ghost"));

      assertThat(all.values()).containsOnly(Map.entry("fast", "I am fast"));
      assertThat(all.missing()).containsExactlyInAnyOrder("slow", "ghost");
      assertThat(all.expectationMet()).isFalse();
    } finally {
      slowGate.countDown();
    }
    // the slow server's late reply is dropped; the next call collects both, each once
    long until = System.nanoTime() + WAIT.toNanos();
    while (slow.answered.get() < 1 && System.nanoTime() - until < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls the condition until the deadline
    }
    io.fjord.rpc.client.GatherResult<String> again = RpcClient.builder(openTransport(), Target.topic(topic))
        .timeout(WAIT).build().callAll(ctx(), "answer", Map.of(), String.class,
            io.fjord.rpc.client.Expected.servers("fast", "slow"));
    assertThat(again.values()).containsOnly(Map.entry("fast", "I am fast"), Map.entry("slow", "I am slow"));
    assertThat(again.size()).isEqualTo(2);
  }

  @Test
  void aServersFailureIsItsReplyAndACountCompletesTheCall() throws Exception {
    startMember("good", false, null);
    startMember("bad", true, null);
    CountDownLatch never = new CountDownLatch(1);
    startMember("stuck", false, never);
    RpcClient client = RpcClient.builder(openTransport(), Target.topic(topic)).timeout(WAIT).build();
    try {
      io.fjord.rpc.client.GatherResult<String> two = client.callAllAsync(ctx(), "answer", Map.of(), String.class,
          io.fjord.rpc.client.Expected.count(2)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(two.expectationMet()).isTrue();
      assertThat(two.byServer()).containsOnlyKeys("good", "bad");
      assertThat(two.byServer().get("good").get()).isEqualTo("I am good");
      assertThat(two.byServer().get("bad").ok()).isFalse();
      assertThat(two.byServer().get("bad").failure()).isInstanceOf(RemoteException.class)
          .hasMessageContaining("bad cannot answer");
      assertThat(two.values()).containsOnlyKeys("good");
    } finally {
      never.countDown();
    }
  }

  // ---- overload protection

  /** Counts how many of its requests run at once; each waits for the gate (a cast records its number first). */
  public static class Throttled {
    final CountDownLatch gate;
    final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    final Set<Integer> casts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Throttled(CountDownLatch gate) {
      this.gate = gate;
    }

    public int work(int i) throws InterruptedException {
      runs.incrementAndGet();
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        gate.await(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
        return i;
      } finally {
        running.decrementAndGet();
      }
    }

    public void note(int i) throws InterruptedException {
      work(i);
      casts.add(i);
    }
  }

  /** Polls {@code condition} until it holds, failing with {@code what} after {@link #WAIT}. */
  private static void awaitUntil(String what, java.util.function.BooleanSupplier condition) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - until > 0) {
        fail("Timed out waiting until " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls the condition until the deadline
    }
  }

  private RpcServer startLimitedServer(Transport transport, String name, int maxInProgress, Object endpoint) {
    RpcServer s = closeAfterTest(RpcServer.builder(transport, Target.topic(topic).withServer(name))
        .endpoint(endpoint).maxInProgress(maxInProgress).build());
    s.start();
    return s;
  }

  @Test
  void aBurstBiggerThanMaxInProgressWaitsForSlotsAndIsServedInFull() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Throttled endpoint = new Throttled(gate);
    RpcServer server = startLimitedServer(openTransport(), "s1", 2, endpoint);
    assertThat(server.maxInProgress()).isEqualTo(2);
    RpcClient client = RpcClient.builder(openTransport(), Target.topic(topic)).timeout(WAIT.multipliedBy(3)).build();

    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        calls.add(client.callAsync(ctx(), "work", Map.of("i", i), Integer.class));
      }
      for (int i = 100; i < 110; i++) {
        client.cast(ctx(), "note", Map.of("i", i));
      }
      // every request reached the server: two run, the rest wait unacknowledged for a slot
      // (a slot is taken before its request reaches the endpoint on an executor thread: wait for both)
      awaitUntil("2 requests run and 28 wait", () -> server.inProgress() == 2 && server.waiting() == 28
          && endpoint.running.get() == 2);
      assertThat(calls).noneMatch(CompletableFuture::isDone);
    } finally {
      gate.countDown();
    }

    for (int i = 0; i < 20; i++) {
      assertThat(calls.get(i).get(WAIT.toMillis() * 3, TimeUnit.MILLISECONDS)).as("call %d", i).isEqualTo(i);
    }
    awaitUntil("all 10 casts ran", () -> endpoint.casts.size() == 10);
    assertThat(endpoint.casts).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.range(100, 110).boxed().toList());
    assertThat(endpoint.mostAtOnce).as("never more than maxInProgress at once").hasValue(2);
    assertThat(endpoint.runs).hasValue(30);
    assertThat(server.expiredRequests()).isZero();
    awaitUntil("the slots are free again", () -> server.inProgress() == 0 && server.waiting() == 0);
  }

  @Test
  void requestsWhoseDeadlinePassedWhileWaitingForASlotAreShedAndCounted() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Throttled endpoint = new Throttled(gate);
    RpcServer server = startLimitedServer(openTransport(), "s1", 1, endpoint);
    Transport clients = openTransport();
    CompletableFuture<Integer> holder;
    CompletableFuture<Integer> late;
    // budget 0 ms: the deadline has passed by the time the server could run them (see the deadline tests)
    RpcClient expiring = RpcClient.builder(clients, Target.topic(topic)).timeout(WAIT)
        .interceptor((invocation, chain) -> chain.proceed(invocation.withContext(invocation.context()
            .with(io.fjord.rpc.DeadlineContext.CONTEXT_KEY, 0))))
        .build();
    try {
      holder = RpcClient.builder(clients, Target.topic(topic)).timeout(WAIT.multipliedBy(2)).build()
          .callAsync(ctx(), "work", Map.of("i", 1), Integer.class);
      awaitUntil("the only slot is taken", () -> endpoint.running.get() == 1);
      late = expiring.callAsync(ctx(), "work", Map.of("i", 2), Integer.class);
      for (int i = 0; i < 3; i++) {
        expiring.cast(ctx(), "note", Map.of("i", i));
      }
      awaitUntil("4 requests wait for the slot", () -> server.waiting() == 4);
      assertThat(server.expiredRequests()).as("nothing is shed before it could get a slot").isZero();
    } finally {
      gate.countDown();
    }

    assertThat(holder.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> late.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(io.fjord.rpc.DeadlineExceededException.class)
        .hasMessageContaining("was not run");
    awaitUntil("the 3 casts and the call were shed", () -> server.expiredRequests() == 4);
    assertThat(endpoint.runs).as("only the request that had time ran").hasValue(1);
    assertThat(endpoint.casts).isEmpty();
    awaitUntil("the slot is free again", () -> server.inProgress() == 0 && server.waiting() == 0);
  }

  @Test
  void aStoppedServerReturnsTheRequestsWaitingForASlotToTheQueue() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Throttled busy = new Throttled(gate);
    RpcServer s1 = startLimitedServer(openTransport(), "s1", 1, busy);
    RpcClient client = RpcClient.builder(openTransport(), Target.topic(topic)).timeout(WAIT.multipliedBy(2)).build();
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        calls.add(client.callAsync(ctx(), "work", Map.of("i", i), Integer.class));
      }
      awaitUntil("1 request runs and 3 wait on s1", () -> s1.inProgress() == 1 && s1.waiting() == 3);
      s1.stop();
      assertThat(s1.waiting()).as("the waiting requests went back to the queue").isZero();
      Throttled free = new Throttled(new CountDownLatch(0));
      startServer(openTransport(), "s2", free);
      awaitUntil("s2 served the 3 returned requests", () -> free.runs.get() == 3);
    } finally {
      gate.countDown();
    }
    for (int i = 0; i < 4; i++) {
      assertThat(calls.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("call %d", i).isEqualTo(i);
    }
    assertThat(busy.runs).as("s1 ran only what it had started").hasValue(1);
  }

  @Test
  void aClientRefusesCallsBeyondMaxInFlightAtOnceWithoutSendingThem() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Throttled endpoint = new Throttled(gate);
    startServer(openTransport(), "s1", endpoint);
    Target target = Target.topic(topic);
    RpcClient client = RpcClient.builder(openTransport(), target).timeout(WAIT.multipliedBy(2)).maxInFlight(3).build();
    assertThat(client.maxInFlight()).isEqualTo(3);

    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        calls.add(client.callAsync(ctx(), "work", Map.of("i", i), Integer.class));
      }
      // the two beyond the limit fail while the three others are still running
      for (int i = 3; i < 5; i++) {
        int n = i;
        assertThatThrownBy(() -> calls.get(n).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
            .as("call %d", i).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(io.fjord.rpc.TooManyCallsInFlightException.class);
      }
      assertThat(calls.subList(0, 3)).noneMatch(CompletableFuture::isDone);
      Throwable refused = catchThrowable(() -> client.call(ctx(), "work", Map.of("i", 9), Integer.class));
      assertThat(refused).isInstanceOf(io.fjord.rpc.TooManyCallsInFlightException.class)
          .hasMessage("Call 'work' to " + target + " was not sent: the client already has 3 call(s) in flight to "
              + "that target, its limit (RpcClient.Builder.maxInFlight(3)); retry later, or raise the limit if the "
              + "servers keep up");
      io.fjord.rpc.TooManyCallsInFlightException typed = (io.fjord.rpc.TooManyCallsInFlightException) refused;
      assertThat(typed.target()).isEqualTo(target);
      assertThat(typed.method()).isEqualTo("work");
      assertThat(typed.limit()).isEqualTo(3);

      // a prepare view shares the counts of its target; another target has its own
      assertThat(client.callsInFlight()).isEqualTo(3);
      assertThat(client.prepare(CallOptions.builder().timeout(WAIT).build()).callsInFlight()).isEqualTo(3);
      assertThatThrownBy(() -> client.prepare(CallOptions.builder().timeout(WAIT).build())
          .call(ctx(), "work", Map.of("i", 9), Integer.class))
          .isInstanceOf(io.fjord.rpc.TooManyCallsInFlightException.class);
      assertThat(client.toServer("s1").callsInFlight()).isZero();
      // casts are not limited
      client.cast(ctx(), "note", Map.of("i", 7));
      awaitUntil("the server runs the 3 calls and the cast", () -> endpoint.running.get() == 4);
    } finally {
      gate.countDown();
    }

    for (int i = 0; i < 3; i++) {
      assertThat(calls.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("call %d", i).isEqualTo(i);
    }
    awaitUntil("no call in flight", () -> client.callsInFlight() == 0);
    assertThat(client.call(ctx(), "work", Map.of("i", 5), Integer.class)).as("slots free again").isEqualTo(5);
    awaitUntil("the cast ran", () -> endpoint.casts.contains(7));
    // the server saw the three admitted calls, the cast and the last call: never a refused one
    assertThat(endpoint.runs).hasValue(5);
  }

  /** Two methods with the same wire name. */
  public static class DuplicateNames {
    @RpcMethod("get")
    public String first() {
      return "1";
    }

    @RpcMethod("get")
    public String second() {
      return "2";
    }
  }

  /** Overloads: RPC has no overloading. */
  public static class Overloads {
    public void put(String key) {
    }

    public void put(String key, String value) {
    }
  }

  // ---- introspection

  @Test
  void describeListsEveryEndpointWithItsMethodsArgumentsAndTypes() {
    Transport serverTransport = openTransport();
    closeAfterTest(RpcServer.builder(serverTransport, Target.topic(topic).withServer("s1"))
        .endpoint(new InventoryV1()).endpoint(new InventoryV2()).endpoint(new Billing()).enablePing(true)
        .build()).start();
    startServer(openTransport(), "s2", new TestEndpoint("s2"));
    // a client whose namespace, version and cap would refuse 1.0: describe sends neither
    RpcClient client = clientBuilder(openTransport(), Target.topic(topic).withNamespace("inventory").withVersion("2.0"))
        .versionCap("2.0").build();

    io.fjord.rpc.ServiceDescription description = client.toServer("s1").describe();

    io.fjord.rpc.ServiceDescription expected = new io.fjord.rpc.ServiceDescription(1, topic, "s1", List.of(
        new io.fjord.rpc.ServiceDescription.Endpoint("inventory", "1.2", List.of(
            method("count_async", List.of(), io.fjord.rpc.ServiceDescription.JsonType.INTEGER, null, List.of(), false,
                false),
            method("get_item", List.of(param("item_id", io.fjord.rpc.ServiceDescription.JsonType.INTEGER, true)),
                io.fjord.rpc.ServiceDescription.JsonType.OBJECT, null, List.of("io.fjord.rpc.testing.ItemMissing"),
                false, false),
            method("names", List.of(param("prefix", io.fjord.rpc.ServiceDescription.JsonType.STRING, false),
                    param("limit", io.fjord.rpc.ServiceDescription.JsonType.INTEGER, false)),
                io.fjord.rpc.ServiceDescription.JsonType.ARRAY, null, List.of(), false, false),
            method("ready", List.of(), io.fjord.rpc.ServiceDescription.JsonType.BOOLEAN, null, List.of(), false, true),
            method("touch", List.of(param("tags", io.fjord.rpc.ServiceDescription.JsonType.OBJECT, true),
                    param("weight", io.fjord.rpc.ServiceDescription.JsonType.NUMBER, true),
                    param("extra", io.fjord.rpc.ServiceDescription.JsonType.ANY, true)),
                io.fjord.rpc.ServiceDescription.JsonType.NULL, null, List.of(), false, false))),
        new io.fjord.rpc.ServiceDescription.Endpoint("inventory", "2.0", List.of(
            method("get_item", List.of(param("item_id", io.fjord.rpc.ServiceDescription.JsonType.STRING, true)),
                io.fjord.rpc.ServiceDescription.JsonType.STRING, null, List.of(), false, false))),
        new io.fjord.rpc.ServiceDescription.Endpoint("billing", "1.4", List.of(
            method("charge", List.of(param("account", io.fjord.rpc.ServiceDescription.JsonType.STRING, true),
                    param("cents", io.fjord.rpc.ServiceDescription.JsonType.INTEGER, true)),
                io.fjord.rpc.ServiceDescription.JsonType.INTEGER, "1.4", List.of(), false, false),
            method("ledgers", List.of(), io.fjord.rpc.ServiceDescription.JsonType.ARRAY, null, List.of(), false, false),
            method("refresh", List.of(param("reason", io.fjord.rpc.ServiceDescription.JsonType.STRING, true)),
                io.fjord.rpc.ServiceDescription.JsonType.NULL, null, List.of(), true, false))),
        new io.fjord.rpc.ServiceDescription.Endpoint(null, "1.0", List.of(
            method("oslo_rpc_server_ping", List.of(), io.fjord.rpc.ServiceDescription.JsonType.STRING, null, List.of(),
                false, false)))));
    assertThat(description).isEqualTo(expected);
    assertThat(description.find("inventory", "1.1", "names")).isPresent();
    assertThat(description.find("inventory", "1.3", "names")).isEmpty();
    assertThat(description.find("inventory", "2.0", "get_item").orElseThrow().params().get(0).type())
        .isEqualTo(io.fjord.rpc.ServiceDescription.JsonType.STRING);
  }

  @Test
  void describeResultHasTheDocumentedJsonFieldNames() {
    startServer(openTransport(), "s1", new RpcServer.PingEndpoint());

    com.fasterxml.jackson.databind.JsonNode raw = RpcClient.create(openTransport(), Target.topic(topic))
        .call(ctx(), "fjord.describe", Map.of(), com.fasterxml.jackson.databind.JsonNode.class);

    assertThat(raw.toString()).isEqualTo("{\"format\":1,\"topic\":\"" + topic + "\",\"server\":\"s1\",\"endpoints\":["
        + "{\"namespace\":null,\"version\":\"1.0\",\"methods\":[{\"name\":\"oslo_rpc_server_ping\",\"params\":[],"
        + "\"returns\":\"string\",\"since\":null,\"expected_exceptions\":[],\"cast\":false,\"non_blocking\":false}]}]}");
  }

  @Test
  void describeIsRefusedWithNoSuchMethodWhenIntrospectionIsOff() {
    closeAfterTest(RpcServer.builder(openTransport(), Target.topic(topic).withServer("s1"))
        .endpoint(new TestEndpoint("s1")).introspection(false).build()).start();
    RpcClient client = client(openTransport());

    Throwable refused = catchThrowable(client::describe);

    assertThat(refused).isInstanceOf(NoSuchRpcMethodException.class);
    assertThat(((NoSuchRpcMethodException) refused).remoteMessage())
        .isEqualTo("Endpoint does not support RPC method fjord.describe");
    assertThat(client.call(ctx(), "add", Map.of("a", 1, "b", 2), Integer.class)).isEqualTo(3);
  }

  @Test
  void otherReservedMethodsAreNoSuchMethodWhateverTheNamespace() {
    startServer(openTransport(), "s1", new TestEndpoint("s1"));

    assertThatThrownBy(() -> client(openTransport()).call(ctx(), "fjord.stats", Map.of(), String.class))
        .isInstanceOf(NoSuchRpcMethodException.class)
        .hasMessageContaining("Endpoint does not support RPC method fjord.stats");
  }

  @Test
  void reservedWireNamesAreRejectedAtBuild() {
    RpcServer.Builder builder = RpcServer.builder(openTransport(), Target.topic(topic).withServer("s1"))
        .endpoint(new TestEndpoint("s1")).endpoint(new ClaimsDescribe());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Endpoint method public java.lang.String " + ClaimsDescribe.class.getName()
            + ".describe() has the wire name 'fjord.describe', but names starting with 'fjord.' are reserved for "
            + "Fjord's own methods (fjord.describe answers introspection); rename it with @RpcMethod");
  }

  private static io.fjord.rpc.ServiceDescription.Method method(String name,
      List<io.fjord.rpc.ServiceDescription.Param> params, io.fjord.rpc.ServiceDescription.JsonType returns,
      String since, List<String> expected, boolean cast, boolean nonBlocking) {
    return new io.fjord.rpc.ServiceDescription.Method(name, params, returns, since, expected, cast, nonBlocking);
  }

  private static io.fjord.rpc.ServiceDescription.Param param(String name,
      io.fjord.rpc.ServiceDescription.JsonType type, boolean required) {
    return new io.fjord.rpc.ServiceDescription.Param(name, type, required);
  }

  /** An expected exception of {@link InventoryV1}. */
  public static class ItemMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** Namespace {@code inventory} 1.2: every JSON type, optional arguments, a hidden and a non-blocking method. */
  @RpcEndpoint(namespace = "inventory", version = "1.2")
  public static class InventoryV1 {
    @RpcMethod("get_item")
    @io.fjord.rpc.annotation.ExpectedExceptions(ItemMissing.class)
    public Item get(RequestContext ctx, @io.fjord.rpc.annotation.Param("item_id") long id) {
      return new Item("item-" + id, 1);
    }

    public List<String> names(@io.fjord.rpc.annotation.Param(value = "prefix", required = false) String prefix,
                              java.util.Optional<Integer> limit) {
      return List.of();
    }

    @NonBlocking
    public boolean ready() {
      return true;
    }

    public void touch(Map<String, Object> tags, double weight, com.fasterxml.jackson.databind.JsonNode extra) {
    }

    @RpcMethod("count_async")
    public CompletableFuture<Integer> countAsync() {
      return CompletableFuture.completedFuture(0);
    }

    @RpcMethod("_secret")
    public String secret() {
      return "hidden by the access policy";
    }
  }

  /** Namespace {@code inventory} 2.0. */
  @RpcEndpoint(namespace = "inventory", version = "2.0")
  public static class InventoryV2 {
    @RpcMethod("get_item")
    public String get(@io.fjord.rpc.annotation.Param("item_id") String id) {
      return id;
    }
  }

  /** A shared contract: namespace {@code billing} at its highest {@code @Since}, 1.4. */
  @io.fjord.rpc.annotation.RpcApi(namespace = "billing", version = "1.0")
  public interface BillingApi {
    @io.fjord.rpc.annotation.Since("1.4")
    long charge(@io.fjord.rpc.annotation.Param("account") String account,
                @io.fjord.rpc.annotation.Param("cents") long cents);

    List<String> ledgers(@io.fjord.rpc.annotation.Server String host);

    @io.fjord.rpc.annotation.Cast
    void refresh(@io.fjord.rpc.annotation.Param("reason") String reason);
  }

  /** {@link BillingApi}'s server side. */
  public static class Billing implements BillingApi {
    @Override
    public long charge(String account, long cents) {
      return cents;
    }

    @Override
    public List<String> ledgers(String host) {
      return List.of(host);
    }

    @Override
    public void refresh(String reason) {
    }
  }

  /** Claims the reserved name. */
  public static class ClaimsDescribe {
    @RpcMethod("fjord.describe")
    public String describe() {
      return "mine";
    }
  }
}
