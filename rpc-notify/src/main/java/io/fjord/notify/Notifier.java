package io.fjord.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.rpc.MessagingException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Transport;
import io.fjord.rpc.wire.WireIds;
import io.fjord.rpc.wire.WireNotification;
import io.fjord.rpc.wire.WireJson;
import io.fjord.rpc.serializer.PayloadSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits notifications, as oslo.messaging's {@code Notifier}: a publisher id, topics (default
 * {@code notifications}) and drivers (default {@code messagingv2}); one method per priority plus
 * {@link #notify(Priority, RequestContext, String, Object)}. On RabbitMQ a notification goes to the
 * transport's control exchange with routing key {@code <topic>.<priority>}, once per topic, after
 * declaring the queue {@code <topic>.<priority>} so it waits for a listener that is not there yet.
 * Contexts are sanitized to oslo's safe keys (no auth token).
 *
 * <p>Delivery: a call returns once every driver delivered (the broker confirmed) or failed. It never
 * blocks longer than the send timeout (default 10 s), also while the broker is down; then, by the
 * default {@link FailurePolicy#LOG}, the failure is logged and the notification dropped, as oslo
 * does, or with {@link FailurePolicy#THROW} a {@link MessagingException} is thrown.
 *
 * <p>Immutable and thread-safe; {@link #prepare(String)} returns a cheap view with another publisher id.
 */
public final class Notifier {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  /** What to do when a notification could not be delivered in time. */
  public enum FailurePolicy {
    /** Log the failure and drop the notification (oslo's behaviour). */
    LOG,
    /** Throw a {@link MessagingException} (from {@code notifyAsync}, fail the future). */
    THROW
  }

  private final Transport transport;
  private final PayloadSerializer serializer;
  private final String publisherId;
  private final List<String> topics;
  private final List<NotificationDriver> drivers;
  private final Duration timeout;
  private final Integer retry;
  private final FailurePolicy failurePolicy;

  private Notifier(Transport transport, String publisherId, List<String> topics, List<NotificationDriver> drivers,
                   Duration timeout, Integer retry, FailurePolicy failurePolicy) {
    this.transport = transport;
    this.serializer = transport.core().serializer();
    this.publisherId = publisherId;
    this.topics = List.copyOf(topics);
    this.drivers = List.copyOf(drivers);
    this.timeout = timeout;
    this.retry = retry;
    this.failurePolicy = failurePolicy;
  }

  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /** A view with another publisher id (e.g. {@code compute.host-2}). */
  public Notifier prepare(String publisherId) {
    return new Notifier(transport, publisherId, topics, drivers, timeout, retry, failurePolicy);
  }

  /** A view with another publish retry count. */
  public Notifier prepare(String publisherId, int retry) {
    return new Notifier(transport, publisherId, topics, drivers, timeout, retry, failurePolicy);
  }

  public String publisherId() {
    return publisherId;
  }

  public List<String> topics() {
    return topics;
  }

  /** False when the only driver is noop (nothing would be sent). */
  public boolean isEnabled() {
    return drivers.stream().anyMatch(d -> d != NoopDriver.INSTANCE);
  }

  public void audit(RequestContext context, String eventType, Object payload) {
    notify(Priority.AUDIT, context, eventType, payload);
  }

  public void debug(RequestContext context, String eventType, Object payload) {
    notify(Priority.DEBUG, context, eventType, payload);
  }

  public void info(RequestContext context, String eventType, Object payload) {
    notify(Priority.INFO, context, eventType, payload);
  }

  public void warn(RequestContext context, String eventType, Object payload) {
    notify(Priority.WARN, context, eventType, payload);
  }

  /** Same as {@link #warn}, as oslo's alias. */
  public void warning(RequestContext context, String eventType, Object payload) {
    notify(Priority.WARN, context, eventType, payload);
  }

  public void error(RequestContext context, String eventType, Object payload) {
    notify(Priority.ERROR, context, eventType, payload);
  }

  public void critical(RequestContext context, String eventType, Object payload) {
    notify(Priority.CRITICAL, context, eventType, payload);
  }

  public void sample(RequestContext context, String eventType, Object payload) {
    notify(Priority.SAMPLE, context, eventType, payload);
  }

  /**
   * Sends a notification and waits (at most the send timeout) for every driver.
   *
   * @throws IllegalArgumentException when the payload cannot be serialized (always, whatever the policy)
   * @throws MessagingException on a delivery failure with {@link FailurePolicy#THROW}
   */
  public void notify(Priority priority, RequestContext context, String eventType, Object payload) {
    CompletableFuture<Void> f = send(priority, context, eventType, payload);
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MessagingException("Interrupted while sending notification " + eventType, e);
    } catch (ExecutionException e) {
      handle(priority, eventType, e.getCause());
    }
  }

  /**
   * Sends without blocking; the future completes once every driver delivered. With
   * {@link FailurePolicy#LOG} it completes normally after logging a failure.
   */
  public CompletableFuture<Void> notifyAsync(Priority priority, RequestContext context, String eventType, Object payload) {
    return send(priority, context, eventType, payload).handleAsync((ok, e) -> {
      if (e != null) {
        handle(priority, eventType, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      }
      return null;
    }, transport.core().callbacks());
  }

  private void handle(Priority priority, String eventType, Throwable error) {
    if (failurePolicy == FailurePolicy.THROW) {
      if (error instanceof MessagingException m) {
        throw m;
      }
      throw new MessagingException("Could not send notification " + eventType + " (" + priority + ") from "
          + publisherId + ": " + error, error);
    }
    log.error("Dropping notification {} ({}) from {}: {}", eventType, priority, publisherId, error.toString());
  }

  private CompletableFuture<Void> send(Priority priority, RequestContext context, String eventType, Object payload) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(eventType, "eventType");
    JsonNode json;
    try {
      json = serializer.toJson(payload);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Payload of notification " + eventType + " cannot be serialized to JSON: "
          + e.getMessage(), e);
    }
    Notification n = new Notification(WireIds.dashed(), publisherId, eventType, priority, json, WireNotification.now(),
        WireNotification.sanitize(context));
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (NotificationDriver d : drivers) {
      try {
        sends.add(d.send(transport, n, topics, timeout, retry));
      } catch (RuntimeException e) {
        sends.add(CompletableFuture.failedFuture(e));
      }
    }
    return CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Runs {@code work} between {@code <action>.start} and {@code <action>.end} INFO notifications, or
   * {@code <action>.error} (ERROR) when it throws, as nova does around an instance operation. The
   * error payload is {@code payload} (as a JSON object) plus {@code "exception"} (class, module,
   * message). The exception is rethrown.
   *
   * @param action e.g. {@code compute.instance.create}
   */
  public <T> T lifecycle(RequestContext context, String action, Object payload, Callable<T> work) throws Exception {
    info(context, action + ".start", payload);
    T result;
    try {
      result = work.call();
    } catch (Exception | Error e) {
      error(context, action + ".error", errorPayload(payload, e));
      throw e;
    }
    info(context, action + ".end", payload);
    return result;
  }

  /** {@link #lifecycle(RequestContext, String, Object, Callable)} for work without a result. */
  public void lifecycle(RequestContext context, String action, Object payload, Runnable work) {
    try {
      lifecycle(context, action, payload, () -> {
        work.run();
        return null;
      });
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode errorPayload(Object payload, Throwable e) {
    JsonNode base = serializer.toJson(payload);
    ObjectNode out = WireJson.object();
    if (base instanceof ObjectNode o) {
      out.setAll(o);
    } else if (base != null && !base.isNull()) {
      out.set("payload", base);
    }
    ObjectNode ex = out.putObject("exception");
    ex.put("class", e.getClass().getSimpleName());
    ex.put("module", e.getClass().getPackageName());
    ex.put("message", e.getMessage() == null ? "" : e.getMessage());
    return out;
  }

  @Override
  public String toString() {
    return "Notifier{publisherId=" + publisherId + ", topics=" + topics + ", drivers=" + drivers + "}";
  }

  /** Builds a {@link Notifier}; not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private String publisherId;
    private List<String> topics = List.of("notifications");
    private final List<NotificationDriver> drivers = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(10);
    private Integer retry;
    private FailurePolicy failurePolicy = FailurePolicy.LOG;

    private Builder(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** oslo's {@code publisher_id}, e.g. {@code compute.host-1}. */
    public Builder publisherId(String publisherId) {
      this.publisherId = publisherId;
      return this;
    }

    /** Topics to send every notification to; default {@code notifications}. */
    public Builder topics(String... topics) {
      if (topics.length == 0) {
        throw new IllegalArgumentException("a notifier needs at least one topic");
      }
      this.topics = List.of(topics);
      return this;
    }

    /** Adds a driver; without any, {@link NotificationDriver#messagingV2()} is used. */
    public Builder driver(NotificationDriver driver) {
      drivers.add(Objects.requireNonNull(driver, "driver"));
      return this;
    }

    /** How long a send may take (confirm included); default 10 s. */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Publish retries on a broken connection; default: retry until the timeout. */
    public Builder retry(int retry) {
      if (retry < 0) {
        throw new IllegalArgumentException("retry must be >= 0, got " + retry);
      }
      this.retry = retry;
      return this;
    }

    public Builder failurePolicy(FailurePolicy failurePolicy) {
      this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
      return this;
    }

    public Notifier build() {
      List<NotificationDriver> d = drivers.isEmpty() ? List.of(NotificationDriver.messagingV2()) : drivers;
      for (NotificationDriver driver : d) {
        for (io.fjord.rpc.Capability c : driver.requires()) {
          transport.core().require(c, "Notifier with notification driver " + driver);
        }
      }
      return new Notifier(transport, publisherId, topics, d, timeout, retry, failurePolicy);
    }
  }
}
