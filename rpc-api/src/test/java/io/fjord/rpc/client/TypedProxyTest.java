package io.fjord.rpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.RpcVersionCapException;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.annotation.CallAll;
import io.fjord.rpc.annotation.Cast;
import io.fjord.rpc.annotation.Param;
import io.fjord.rpc.annotation.RpcApi;
import io.fjord.rpc.annotation.RpcEndpoint;
import io.fjord.rpc.annotation.RpcMethod;
import io.fjord.rpc.annotation.Server;
import io.fjord.rpc.annotation.Since;
import io.fjord.rpc.server.AccessPolicy;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Typed client proxies ({@link RpcClient#proxy}) on {@code memory://}. */
@Timeout(30)
class TypedProxyTest {
  public record Instance(String id, String host) {
  }

  @RpcApi(namespace = "compute", version = "1.0")
  public interface ComputeApi {
    @RpcMethod("get_instance")
    Instance get(RequestContext ctx, @Param("instance_id") String id);

    List<Instance> list(@Server String host, String prefix);

    Map<String, Instance> byId(List<String> ids);

    @Cast
    void refresh(@Param("reason") String reason);

    @Cast
    CompletableFuture<Void> refreshAsync(@Param("reason") String reason);

    @Since("1.3")
    String whoami();

    default Instance getOrDefault(String id) {
      Instance i = get(RequestContext.empty(), id);
      return i == null ? new Instance(id, "none") : i;
    }
  }

  /** A client-only view of the same API: an endpoint cannot expose two methods as 'get_instance'. */
  @RpcApi(namespace = "compute")
  public interface AsyncComputeApi {
    @RpcMethod("get_instance")
    CompletableFuture<Instance> getAsync(@Param("instance_id") String id);
  }

  /** An endpoint that shares the client's contract: names and version come from the interface. */
  public static final class ComputeManager implements ComputeApi {
    final String name;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    ComputeManager(String name) {
      this.name = name;
    }

    @Override
    public Instance get(RequestContext ctx, String instanceIdNamedDifferently) {
      received.add("get " + instanceIdNamedDifferently + " user=" + ctx.get("user_id"));
      return new Instance(instanceIdNamedDifferently, name);
    }

    @Override
    public List<Instance> list(String host, String prefix) {
      // host: the @Server parameter, bound to this server's own name
      return List.of(new Instance(prefix + "-1", host), new Instance(prefix + "-2", host));
    }

    @Override
    public Map<String, Instance> byId(List<String> ids) {
      Map<String, Instance> m = new java.util.LinkedHashMap<>();
      ids.forEach(id -> m.put(id, new Instance(id, name)));
      return m;
    }

    @Override
    public void refresh(String reason) {
      received.add("refresh " + reason);
    }

    @Override
    public CompletableFuture<Void> refreshAsync(String reason) {
      received.add("refreshAsync " + reason);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public String whoami() {
      return name + "@1.3";
    }
  }

  /** Serves namespace compute at 1.0 only: a 1.3 request does not reach it. */
  @RpcEndpoint(namespace = "compute", version = "1.0")
  public static final class OldCompute {
    public String whoami() {
      return "old";
    }
  }

  private Transport transport;
  private String topic;
  private final List<AutoCloseable> opened = new java.util.ArrayList<>();

  @BeforeEach
  void open() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    topic = "proxy_" + id;
    transport = Transport.open(TransportUrl.parse("memory://"),
        TransportOptions.builder().controlExchange("proxy_x_" + id).build());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    transport.close();
  }

  private ComputeManager serve(String server) {
    ComputeManager m = new ComputeManager(server);
    RpcServer s = RpcServer.builder(transport, Target.topic(topic).withServer(server)).endpoint(m).build();
    opened.add(s);
    s.start();
    return m;
  }

  private RpcClient.Builder client() {
    return RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10));
  }

  @Test
  void syncCallReachesAnEndpointImplementingTheSameInterface() throws Exception {
    ComputeManager m = serve("host-1");
    ComputeApi api = client().build().proxy(ComputeApi.class);

    Instance vm = api.get(RequestContext.builder().userId("alice").build(), "vm-1");

    assertThat(vm).isEqualTo(new Instance("vm-1", "host-1"));
    assertThat(m.received.poll(5, TimeUnit.SECONDS)).isEqualTo("get vm-1 user=alice");
  }

  @Test
  void asyncCallCompletesWithTheConvertedResult() throws Exception {
    serve("host-1");
    AsyncComputeApi api = client().build().proxy(AsyncComputeApi.class);

    assertThat(api.getAsync("vm-2").get(10, TimeUnit.SECONDS)).isEqualTo(new Instance("vm-2", "host-1"));
  }

  @Test
  void genericResultsAreConvertedToTheirDeclaredTypes() {
    serve("host-1");
    ComputeApi api = client().build().proxy(ComputeApi.class);

    List<Instance> list = api.list(null, "web");
    Map<String, Instance> byId = api.byId(List.of("a", "b"));

    assertThat(list).containsExactly(new Instance("web-1", "host-1"), new Instance("web-2", "host-1"));
    assertThat(byId).containsEntry("a", new Instance("a", "host-1")).containsEntry("b", new Instance("b", "host-1"));
    assertThat(byId.values()).allSatisfy(v -> assertThat(v).isInstanceOf(Instance.class));
  }

  @Test
  void serverParameterSendsToThatServerOnly() {
    serve("host-1");
    serve("host-2");
    ComputeApi api = client().build().proxy(ComputeApi.class);

    for (int i = 0; i < 5; i++) {
      assertThat(api.list("host-2", "x")).extracting(Instance::host).containsOnly("host-2");
      assertThat(api.list("host-1", "x")).extracting(Instance::host).containsOnly("host-1");
    }
  }

  @Test
  void castMethodsReachTheEndpoint() throws Exception {
    ComputeManager m = serve("host-1");
    ComputeApi api = client().build().proxy(ComputeApi.class);

    api.refresh("nightly");
    api.refreshAsync("hourly").get(10, TimeUnit.SECONDS);

    assertThat(List.of(m.received.poll(5, TimeUnit.SECONDS), m.received.poll(5, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder("refresh nightly", "refreshAsync hourly");
  }

  @Test
  void sinceMethodIsSentWithItsVersion() {
    RpcServer s = RpcServer.builder(transport, Target.topic(topic).withServer("host-1"))
        .endpoint(new OldCompute()).endpoint(new ComputeManager("new")).build();
    opened.add(s);
    s.start();
    ComputeApi api = client().build().proxy(ComputeApi.class);

    // OldCompute comes first and serves 1.0 requests; only a 1.3 request skips it
    assertThat(api.whoami()).isEqualTo("new@1.3");
  }

  @Test
  void sinceMethodAboveAnEndpointsVersionIsUnsupported() {
    RpcServer s = RpcServer.builder(transport, Target.topic(topic).withServer("host-1"))
        .endpoint(new OldCompute()).build();
    opened.add(s);
    s.start();
    ComputeApi api = client().build().proxy(ComputeApi.class);

    assertThatThrownBy(api::whoami).isInstanceOf(UnsupportedRpcVersionException.class);
  }

  @Test
  void sinceMethodAboveTheVersionCapIsRefusedBeforeSending() {
    ComputeManager m = serve("host-1");
    ComputeApi api = client().versionCap("1.2").build().proxy(ComputeApi.class);

    assertThatThrownBy(api::whoami)
        .isInstanceOf(RpcVersionCapException.class)
        .hasMessage("Requested message version 1.3 of 'whoami' to Target{topic=" + topic
            + ", namespace=compute, version=1.3} is above the version cap 1.2 (hint: check canSendVersion and send an "
            + "older version)");
    assertThat(api.get(RequestContext.empty(), "vm-1").id()).isEqualTo("vm-1");
    assertThat(m.received).containsExactly("get vm-1 user=null");
  }

  @Test
  void objectAndDefaultMethodsBehaveAsJavaUsersExpect() {
    serve("host-1");
    RpcClient client = client().build();
    ComputeApi api = client.proxy(ComputeApi.class);
    ComputeApi other = client.proxy(ComputeApi.class);

    assertThat(api).isEqualTo(api).isNotEqualTo(other).hasSameHashCodeAs(api);
    assertThat(api.hashCode()).isEqualTo(System.identityHashCode(api));
    assertThat(api.toString()).isEqualTo("ComputeApi proxy over RpcClient{Target{topic=" + topic
        + ", namespace=compute}, timeout=10s}");
    assertThat(api.getOrDefault("vm-9")).isEqualTo(new Instance("vm-9", "host-1"));
  }

  @Test
  void rpcApiTopicOverridesTheClientsTopic() {
    serve("host-1");
    assertThat(RpcClient.builder(transport, Target.topic("elsewhere")).timeout(Duration.ofSeconds(10)).build()
        .prepare(CallOptions.builder().topic(topic).build()).proxy(ComputeApi.class).whoami()).isEqualTo("host-1@1.3");
  }

  // ---- validation

  interface CastReturningValue {
    @Cast
    String refresh();
  }

  interface ServerNotString {
    String get(@Server int host);
  }

  interface ContextAfterArguments {
    String get(String id, RequestContext ctx);
  }

  interface SameArgumentTwice {
    String get(@Param("id") String a, @Param("id") String b);
  }

  interface BadSince {
    @Since("one.three")
    String get();
  }

  interface PlainFuture {
    java.util.concurrent.Future<String> get();
  }

  interface Generic<T> {
    T get();
  }

  @Test
  void invalidInterfacesAreRefusedWhenTheProxyIsCreatedNamingTheMethod() {
    RpcClient client = client().build();

    assertThatThrownBy(() -> client.proxy(CastReturningValue.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("RPC interface method CastReturningValue.refresh() is a @Cast and must return void or "
            + "CompletableFuture<Void>, but returns java.lang.String");
    assertThatThrownBy(() -> client.proxy(ServerNotString.class))
        .hasMessage("RPC interface method ServerNotString.get() its @Server parameter must be a String, not int");
    assertThatThrownBy(() -> client.proxy(ContextAfterArguments.class))
        .hasMessage("RPC interface method ContextAfterArguments.get() parameter 1 (RequestContext) must come before "
            + "the arguments");
    assertThatThrownBy(() -> client.proxy(SameArgumentTwice.class))
        .hasMessage("RPC interface method SameArgumentTwice.get() binds argument 'id' twice");
    assertThatThrownBy(() -> client.proxy(BadSince.class))
        .hasMessageStartingWith("RPC interface method BadSince.get() @Since(\"one.three\") is not a version: ");
    assertThatThrownBy(() -> client.proxy(PlainFuture.class))
        .hasMessage("RPC interface method PlainFuture.get() returns java.util.concurrent.Future; an asynchronous "
            + "method returns CompletableFuture<T>");
    assertThatThrownBy(() -> client.proxy(Generic.class))
        .hasMessageStartingWith("io.fjord.rpc.client.TypedProxyTest$Generic has type parameters");
    assertThatThrownBy(() -> client.proxy(ComputeManager.class))
        .hasMessage("io.fjord.rpc.client.TypedProxyTest$ComputeManager is not an interface: RpcClient.proxy implements "
            + "interfaces only");
  }

  @RpcApi(namespace = "compute")
  public interface ExplicitApi {
    @RpcMethod("get_instance")
    Instance get(RequestContext ctx, @Param("instance_id") String id);
  }

  /** Under the explicit access policy, @RpcMethod on the interface exposes the implementing method. */
  public static final class ExplicitCompute implements ExplicitApi {
    @Override
    public Instance get(RequestContext ctx, String id) {
      return new Instance(id, "explicit");
    }
  }

  @Test
  void explicitAccessPolicySeesRpcMethodOnTheInterface() {
    RpcServer s = RpcServer.builder(transport, Target.topic(topic).withServer("host-1"))
        .accessPolicy(AccessPolicy.EXPLICIT).endpoint(new ExplicitCompute()).build();
    opened.add(s);
    s.start();

    assertThat(client().build().proxy(ExplicitApi.class).get(RequestContext.empty(), "vm-3"))
        .isEqualTo(new Instance("vm-3", "explicit"));
  }

  /** Scatter-gather methods: every server of the topic answers. */
  @RpcApi(namespace = "compute")
  public interface FleetApi {
    @CallAll(count = 2)
    @RpcMethod("whoami")
    GatherResult<String> names(RequestContext ctx);

    @CallAll
    @RpcMethod("whoami")
    CompletableFuture<GatherResult<String>> namesAsync(Expected expected);
  }

  @Test
  void aCallAllMethodGathersEveryServersReply() throws Exception {
    for (String host : List.of("host-1", "host-2")) {
      RpcServer s = RpcServer.builder(transport, Target.topic(topic).withServer(host))
          .endpoint(new ComputeManager(host), "compute", "1.3").build();
      opened.add(s);
      s.start();
    }
    FleetApi fleet = client().build().proxy(FleetApi.class);

    GatherResult<String> two = fleet.names(RequestContext.empty());
    assertThat(two.expectationMet()).isTrue();
    assertThat(two.values()).containsOnly(Map.entry("host-1", "host-1@1.3"), Map.entry("host-2", "host-2@1.3"));

    GatherResult<String> named = fleet.namesAsync(Expected.servers("host-2")).get(10, TimeUnit.SECONDS);
    assertThat(named.byServer()).containsKey("host-2");
    assertThat(named.expectationMet()).isTrue();
  }

  /** @CallAll methods that cannot be proxied. */
  public interface BadFleetApi {
    @CallAll
    List<String> notAGatherResult();
  }

  /** @CallAll goes to every server: a @Server parameter makes no sense. */
  public interface ServerFleetApi {
    @CallAll
    GatherResult<String> names(@Server String host);
  }

  @Test
  void aCallAllMethodMustReturnAGatherResultAndTakesNoServer() {
    RpcClient client = client().build();
    assertThatThrownBy(() -> client.proxy(BadFleetApi.class))
        .hasMessageContaining("BadFleetApi.notAGatherResult() is a @CallAll and must return GatherResult<T>");
    assertThatThrownBy(() -> client.proxy(ServerFleetApi.class))
        .hasMessageContaining("has no @Server parameter");
  }
}
