package io.fjord.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.server.ServerInterceptor;
import io.fjord.rpc.server.ServerInvocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ServerInterceptor} that records every request a server receives, so a test can wait for
 * and assert the calls and casts an endpoint got:
 * {@code kit.startServer(topic, "host-1", recorder, endpoint); ... recorder.awaitCall("start", WAIT)}.
 * Thread-safe.
 */
public final class CallRecorder implements ServerInterceptor {
  /** One received request: method, arguments as received, context, and whether it was a call. */
  public record ReceivedCall(String method, JsonNode args, RequestContext context, boolean isCall) {
  }

  private final List<ReceivedCall> calls = new ArrayList<>();

  @Override
  public Object intercept(ServerInvocation invocation, Chain chain) throws Exception {
    synchronized (calls) {
      calls.add(new ReceivedCall(invocation.method(), invocation.args(), invocation.context(), invocation.isCall()));
      calls.notifyAll();
    }
    return chain.proceed(invocation);
  }

  /** Everything received so far, in order. */
  public List<ReceivedCall> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** Waits for the first request for {@code method}. */
  public ReceivedCall awaitCall(String method, Duration timeout) {
    return awaitCalls(method, 1, timeout).get(0);
  }

  /**
   * Waits until {@code count} requests for {@code method} arrived and returns them.
   *
   * @throws AssertionError when they did not arrive in time, listing what did
   */
  public List<ReceivedCall> awaitCalls(String method, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (calls) {
      while (true) {
        List<ReceivedCall> matching = calls.stream().filter(c -> method.equals(c.method())).toList();
        if (matching.size() >= count) {
          return matching.subList(0, count);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("Expected " + count + " request(s) for '" + method + "' within " + timeout
              + ", got " + matching.size() + "; all received: " + calls.stream().map(ReceivedCall::method).toList());
        }
        try {
          calls.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("Interrupted while waiting for '" + method + "'", e);
        }
      }
    }
  }
}
