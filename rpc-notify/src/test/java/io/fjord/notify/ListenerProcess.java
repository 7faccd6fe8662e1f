package io.fjord.notify;

import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;

/**
 * A notification listener in a process of its own, for crash tests: prints {@code ready}, then
 * {@code handled <i>} for every notification it processed (before its acknowledgement), slowly.
 * Args: url, control exchange, topic, pool.
 */
public final class ListenerProcess {

  /** Slow endpoint. */
  public static final class Slow {
    public void info(ReceivedNotification n) throws InterruptedException {
      Thread.sleep(20);
      synchronized (System.out) {
        System.out.println("handled " + n.payload().get("i").asInt());
        System.out.flush();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Transport t = Transport.open(TransportUrl.parse(args[0]), TransportOptions.builder().controlExchange(args[1]).build());
    NotificationListener.builder(t).target(Target.topic(args[2])).pool(args[3])
        .executor(java.util.concurrent.Executors.newFixedThreadPool(4)).endpoint(new Slow()).build().start();
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
