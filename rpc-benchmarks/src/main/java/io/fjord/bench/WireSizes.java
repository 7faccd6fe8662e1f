package io.fjord.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.fjord.rpc.wire.OsloWire;
import io.fjord.rpc.wire.WireJson;
import io.fjord.rpc.wire.WireReply;
import java.util.concurrent.TimeUnit;

/**
 * The sizes of the bodies Fjord puts on the wire for one payload, so the raw baseline sends bodies of
 * the same size (the "JSON body of the same size"): the call request, cast and notification
 * are caught by a spy queue bound next to Fjord's queues; the reply is built as the server builds it.
 */
record WireSizes(int request, int reply, int cast, int notification) {

  static WireSizes measure(String url, FjordSide fjord, String payload) throws Exception {
    try (Connection c = RawBaseline.connect(url, "bench-spy"); Channel ch = c.createChannel()) {
      String spy = ch.queueDeclare().getQueue(); // server-named, exclusive, auto-delete
      ch.queueBind(spy, fjord.exchange, fjord.topic);
      ch.queueBind(spy, fjord.exchange, fjord.topic + "_n.info");
      fjord.call(payload);
      int request = next(ch, spy);
      fjord.cast(payload);
      int cast = next(ch, spy);
      fjord.notifyAsync(payload).get(10, TimeUnit.SECONDS);
      int notification = next(ch, spy);
      int reply = OsloWire.encode(WireReply.result("0123456789abcdef0123456789abcdef",
          WireJson.MAPPER.valueToTree(payload))).length;
      return new WireSizes(request, reply, cast, notification);
    }
  }

  private static int next(Channel ch, String queue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() - deadline < 0) {
      GetResponse r = ch.basicGet(queue, true);
      if (r != null) {
        return r.getBody().length;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the spy queue caught nothing within 10 s");
  }
}
