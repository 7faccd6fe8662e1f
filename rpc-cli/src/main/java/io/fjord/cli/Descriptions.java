package io.fjord.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.NoSuchRpcMethodException;
import io.fjord.rpc.RemoteException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.ServiceDescription;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.UnsupportedRpcVersionException;
import io.fjord.rpc.client.RpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fetching a server's {@code fjord.describe} result for {@code fjord describe} and {@code fjord call --validate},
 * and printing it as text. Stateless and thread-safe.
 */
final class Descriptions {
  private Descriptions() {
  }

  /** Why a server does not describe itself, for the message that says so. */
  static final String NOT_FJORD = "it is an oslo.messaging (Python) server, or a Fjord server built with "
      + "introspection(false)";

  /**
   * The raw {@code fjord.describe} result of a server of {@code to}'s topic ({@code to}'s server, else any);
   * the namespace and version of {@code to} are not sent.
   *
   * @throws DescribeRefused when the server refuses the method
   */
  static JsonNode fetch(Transport transport, Target to, Duration timeout, RequestContext context) {
    Target plain = to.withNamespace(null).withVersion(null);
    try {
      return RpcClient.builder(transport, plain).timeout(timeout).build()
          .call(context, ServiceDescription.METHOD, Map.of(), JsonNode.class);
    } catch (NoSuchRpcMethodException | UnsupportedRpcVersionException e) {
      throw new DescribeRefused(plain, e);
    }
  }

  /** A server answered {@code fjord.describe} with oslo's NoSuchMethod or UnsupportedVersion. */
  static final class DescribeRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DescribeRefused(Target to, RemoteException e) {
      super(to + " does not answer " + ServiceDescription.METHOD + ": " + NOT_FJORD + " (the server said "
          + e.remoteClass() + ": " + e.remoteMessage() + ")", e);
    }
  }

  /** {@code description} as text, in the manner of {@code grpcurl describe}. */
  static String text(ServiceDescription description) {
    StringBuilder out = new StringBuilder();
    out.append("topic ").append(description.topic()).append(", server ").append(description.server())
        .append(" (").append(description.endpoints().size()).append(description.endpoints().size() == 1
            ? " endpoint" : " endpoints").append(", in dispatch order):\n");
    for (ServiceDescription.Endpoint e : description.endpoints()) {
      out.append("endpoint ").append(e.namespace() == null ? "(default namespace)" : e.namespace()).append(' ')
          .append(e.version()).append(" {\n");
      for (ServiceDescription.Method m : e.methods()) {
        out.append("  ").append(m.signature());
        if (!m.expectedExceptions().isEmpty()) {
          out.append(" raises ").append(String.join(", ", m.expectedExceptions()));
        }
        out.append(';');
        List<String> notes = new ArrayList<>();
        if (m.since() != null) {
          notes.add("since " + m.since());
        }
        if (m.cast()) {
          notes.add("cast");
        }
        if (m.nonBlocking()) {
          notes.add("non-blocking");
        }
        if (!notes.isEmpty()) {
          out.append("  // ").append(String.join(", ", notes));
        }
        out.append('\n');
      }
      out.append("}\n");
    }
    return out.toString();
  }
}
