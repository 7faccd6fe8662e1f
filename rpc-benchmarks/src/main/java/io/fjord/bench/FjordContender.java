package io.fjord.bench;

import io.fjord.notify.NotificationListener;
import io.fjord.notify.Notifier;
import io.fjord.notify.Priority;
import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.annotation.NonBlocking;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fjord as its README has a user write it: an RpcServer with an echo endpoint, an RpcClient, a Notifier and a
 * listener. Side {@code fjord} uses the defaults (requests run on the server's executor and are acknowledged
 * when their processing starts, as oslo's); side {@code fjord-fast} serves the floor's way, as a user whose
 * endpoint never blocks may choose: the endpoint declared {@link NonBlocking} (it is: it returns its argument),
 * so it runs on the delivery thread, and the server's queues consumed with automatic acknowledgement
 * ({@code rpc_auto_ack=true}).
 */
final class FjordContender implements Contender {
  private final boolean fast;

  FjordContender(boolean fast) {
    this.fast = fast;
  }

  /** The benchmark endpoint, declared non-blocking. */
  @NonBlocking
  public static final class FastEcho extends Echo {
    @Override
    public Object echo(Object payload) {
      return payload;
    }

    @Override
    public void count(Object payload) {
    }
  }

  /** The benchmark endpoint. */
  public static class Echo {
    public Object echo(Object payload) {
      return payload;
    }

    public void count(Object payload) {
    }
  }

  /** A fanout server's endpoint: tells the tally it got the fanout. */
  public static class FanoutSink {
    private final Fanout.Tally tally;

    FanoutSink(Fanout.Tally tally) {
      this.tally = tally;
    }

    public void count(String payload) {
      tally.received(Fanout.sentNanos(payload));
    }
  }

  /** {@link FanoutSink}, declared non-blocking. */
  @NonBlocking
  public static final class FastFanoutSink extends FanoutSink {
    FastFanoutSink(Fanout.Tally tally) {
      super(tally);
    }

    @Override
    public void count(String payload) {
      super.count(payload);
    }
  }

  @Override
  public AutoCloseable serveFanout(Setup s, Fanout.Tally tally) {
    java.util.List<Transport> transports = new java.util.ArrayList<>();
    java.util.List<RpcServer> servers = new java.util.ArrayList<>();
    for (int i = 0; i < Fanout.SERVERS; i++) {
      Transport t = open(s); // one process each
      transports.add(t);
      RpcServer server = RpcServer.builder(t, Target.topic(s.topic()).withServer("bench-" + i))
          .endpoint(fast ? new FastFanoutSink(tally) : new FanoutSink(tally)).build();
      servers.add(server);
      server.start();
    }
    return () -> {
      servers.forEach(RpcServer::close);
      transports.forEach(Transport::close);
    };
  }

  /** Takes notifications. */
  public static final class Sink {
    public void info(ReceivedNotification n) {
    }
  }

  private Transport open(Setup s) {
    String url = s.url() + (s.url().contains("?") ? "&" : "?") + "auto_delete=true" + (fast ? "&rpc_auto_ack=true" : "");
    return Transport.open(TransportUrl.parse(url), TransportOptions.builder().controlExchange(s.topic() + "_x").build());
  }

  @Override
  public AutoCloseable serve(Scenario scenario, Setup s) {
    Transport t = open(s);
    AutoCloseable served;
    if (scenario == Scenario.NOTIFY_ASYNC_1000) {
      NotificationListener l = NotificationListener.builder(t).target(Target.topic(s.topic())).endpoint(new Sink())
          .build();
      l.start();
      served = l;
    } else {
      RpcServer server = RpcServer.builder(t, Target.topic(s.topic()).withServer("bench")).endpoint(fast ? new FastEcho() : new Echo())
          .build();
      server.start();
      served = server;
    }
    return () -> {
      served.close();
      t.close();
      // the notifier's <topic>.info queue outlives its listeners by design (oslo's): delete it
      RawBaseline.deleteQueues(s.url(), s.topic() + ".info");
    };
  }

  @Override
  public Client client(Scenario scenario, Setup s) {
    Transport t = open(s);
    RpcClient client = RpcClient.builder(t, Target.topic(s.topic())).timeout(Duration.ofSeconds(60)).build();
    Notifier notifier = Notifier.builder(t).publisherId("bench").topics(s.topic())
        .failurePolicy(Notifier.FailurePolicy.THROW).build();
    Map<String, Object> args = Map.of("payload", s.payload());
    RpcClient fanout = client.toAllServers();
    return new Client() {
      @Override
      public void fanout(long sentNanos) {
        fanout.cast(RequestContext.empty(), "count", Map.of("payload", Fanout.stamp(sentNanos, s.payloadBytes())));
      }

      @Override
      public Workload.Op caller() {
        return () -> client.call(RequestContext.empty(), "echo", args, Object.class);
      }

      @Override
      public CompletableFuture<?> callAsync() {
        return client.callAsync(RequestContext.empty(), "echo", args, Object.class);
      }

      @Override
      public CompletableFuture<?> send() {
        return scenario == Scenario.NOTIFY_ASYNC_1000
            ? notifier.notifyAsync(Priority.INFO, RequestContext.empty(), "bench.event", args)
            : client.castAsync(RequestContext.empty(), "count", args);
      }

      @Override
      public void close() {
        t.close();
      }
    };
  }
}
