package io.fjord.interop;

import io.fjord.notify.ReceivedNotification;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.annotation.ExpectedExceptions;
import io.fjord.rpc.annotation.RpcMethod;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Java twins of the endpoints oslo.messaging's functional suite
 * ({@code oslo_messaging/tests/functional}) gives its servers and listeners, served by
 * {@link OsloSuiteHost}: same method names, arguments, results and errors as the Python originals,
 * so the suite's assertions hold unchanged. Each class names the Python code it mirrors.
 */
final class OsloSuiteEndpoints {
  private OsloSuiteEndpoints() {
  }

  /**
   * {@code utils.TestServerEndpoint}: an integer and a string that calls change; subtracting below
   * zero raises {@code ValueError}. The state is read back by the fixture ({@link #ival()}, {@link #sval()}).
   * Thread-safe: the suite calls it concurrently ({@code long_running_task} beside {@code add}).
   */
  public static final class TestServer {
    private long ival;
    private String sval = "";

    public synchronized long add(long increment) {
      ival += increment;
      return ival;
    }

    @ExpectedExceptions(IllegalArgumentException.class)
    public synchronized long subtract(long increment) {
      if (ival < increment) {
        throw new JavaEndpoints.PythonValueError("ival can't go negative!");
      }
      ival -= increment;
      return ival;
    }

    public synchronized String append(String text) {
      sval += text;
      return sval;
    }

    /** Holds no lock while it sleeps: other calls run meanwhile, as on oslo's threading executor. */
    @RpcMethod("long_running_task")
    public void longRunningTask(double seconds) throws InterruptedException {
      Thread.sleep(Math.round(seconds * 1000));
    }

    synchronized long ival() {
      return ival;
    }

    synchronized String sval() {
      return sval;
    }
  }

  /** {@code test_monitor_long_call}'s endpoint: sleeps, then returns the seconds it was given. */
  public static final class Delay {
    public Number delay(Number seconds) throws InterruptedException {
      Thread.sleep(Math.round(seconds.doubleValue() * 1000));
      return seconds;
    }
  }

  /** {@code test_endpoint_version_namespace}'s endpoint (served at the namespace and version the test gives it). */
  public static final class Echo {
    public Object test(Object echo) {
      return echo;
    }
  }

  /**
   * The RPC methods of {@code utils.RpcServerFixture} itself, an endpoint of every server it starts:
   * {@code ping} answers; {@code sync} is handed to the fixture (it fills its {@code syncq}).
   */
  public static final class FixtureControl {
    private final Consumer<RequestContext> onSync;

    FixtureControl(Consumer<RequestContext> onSync) {
      this.onSync = onSync;
    }

    public void ping() {
    }

    public void sync(RequestContext ctxt) {
      onSync.accept(ctxt);
    }
  }

  /**
   * {@code utils.NotificationFixture}'s listener endpoint: every priority is handed to the fixture
   * (which records debug to critical and ignores sample, as oslo's).
   */
  public static final class Listener {
    private final Consumer<ReceivedNotification> sink;

    Listener(Consumer<ReceivedNotification> sink) {
      this.sink = sink;
    }

    public void debug(ReceivedNotification n) {
      sink.accept(n);
    }

    public void audit(ReceivedNotification n) {
      sink.accept(n);
    }

    public void info(ReceivedNotification n) {
      sink.accept(n);
    }

    public void warn(ReceivedNotification n) {
      sink.accept(n);
    }

    public void error(ReceivedNotification n) {
      sink.accept(n);
    }

    public void critical(ReceivedNotification n) {
      sink.accept(n);
    }

    public void sample(ReceivedNotification n) {
      sink.accept(n);
    }
  }

  /** {@code utils.BatchNotificationFixture}'s endpoint: each batch (one priority) is handed to the fixture. */
  public static final class BatchListener {
    private final Consumer<List<ReceivedNotification>> sink;

    BatchListener(Consumer<List<ReceivedNotification>> sink) {
      this.sink = sink;
    }

    public void debug(List<ReceivedNotification> batch) {
      sink.accept(batch);
    }

    public void audit(List<ReceivedNotification> batch) {
      sink.accept(batch);
    }

    public void info(List<ReceivedNotification> batch) {
      sink.accept(batch);
    }

    public void warn(List<ReceivedNotification> batch) {
      sink.accept(batch);
    }

    public void error(List<ReceivedNotification> batch) {
      sink.accept(batch);
    }

    public void critical(List<ReceivedNotification> batch) {
      sink.accept(batch);
    }

    public void sample(List<ReceivedNotification> batch) {
      sink.accept(batch);
    }
  }
}
