package io.fjord.amqp;

import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.server.RpcServer;

/** An RPC server in a process of its own (for memory-limit tests). Args: url, control exchange, topic. Prints "ready". */
public final class ServerProcess {

  /** Echoes the length of what it gets. */
  public static final class Sizer {
    public int size(String data) {
      return data.length();
    }
  }

  public static void main(String[] args) throws Exception {
    Transport t = Transport.open(TransportUrl.parse(args[0]), TransportOptions.builder().controlExchange(args[1]).build());
    RpcServer.builder(t, Target.topic(args[2]).withServer("s1")).endpoint(new Sizer()).build().start();
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
