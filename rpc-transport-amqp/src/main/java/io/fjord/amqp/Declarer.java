package io.fjord.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.fjord.rpc.TransportException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares {@link Topology} objects on one connection, on a channel of its own (a refused declaration
 * closes its channel, never a consumer's or publisher's), and copes with objects that already exist
 * with other flags: another service, another Fjord version or oslo with other options declared them.
 *
 * <p>RabbitMQ refuses such a declaration with 406 {@code inequivalent arg 'x' ... received A but
 * current is B}. The declarer re-declares with B until the broker accepts, so it learns the existing
 * object's flags exactly, then decides: an exchange of the same type, or a queue of the same kind
 * (classic or quorum vs stream) that is not weaker than an explicit {@code rabbit_quorum_queue} /
 * {@code rabbit_transient_quorum_queue}, is used as it is, with one warning naming both flag sets (as
 * oslo falls back on {@code inequivalent arg 'durable'}); anything else fails with a
 * {@link TransportException} naming the object, both flag sets and the option that would match.
 * Thread-safe; declarations are serialized.
 */
final class Declarer {
  private static final Logger log = LoggerFactory.getLogger(Declarer.class);
  private static final Pattern INEQUIVALENT = Pattern.compile(
      "inequivalent arg '([^']+)' for (queue|exchange) '(.*)' in vhost '(.*)': received (.+) but current is (.+)$",
      Pattern.DOTALL);
  private static final Pattern TYPED = Pattern.compile("the value '(.*)' of type '([a-z]+)'", Pattern.DOTALL);
  /** One warning per adopted object and flag set per JVM, not per reconnect. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
  private static final int MAX_DIFFERENCES = 10;

  /** How a declaration went: the object is new or identical, or it existed with other (safe) flags. */
  enum Outcome { DECLARED, ADOPTED }

  /** A declared queue: what is on the broker now, and whether it existed with other flags. */
  record Declared(Topology.Queue queue, Outcome outcome) {
  }

  private final Connection connection;
  private final String purpose;
  private Channel channel;

  /** @param purpose for messages, e.g. "publishing" */
  Declarer(Connection connection, String purpose) {
    this.connection = connection;
    this.purpose = purpose;
  }

  private Channel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      if (channel != null) {
        try {
          channel.abort();
        } catch (IOException | RuntimeException ignored) {
          // broken already
        }
      }
      channel = connection.createChannel();
      if (channel == null) {
        throw new IOException("no channel available for declarations on the " + purpose + " connection");
      }
    }
    return channel;
  }

  /** A declaration that may be refused. */
  @FunctionalInterface
  private interface Attempt {
    void run() throws IOException;
  }

  /** Takes the existing object's value of one argument the broker named, or refuses (throws). */
  @FunctionalInterface
  private interface Adopt {
    void take(Inequivalent difference) throws IOException;
  }

  /**
   * Runs {@code attempt} until the broker accepts it, letting {@code adopt} take the existing
   * object's value of each argument a 406 names; returns how many it took (0: declared as wanted).
   */
  private int declareLearning(Attempt attempt, Adopt adopt) throws IOException {
    int differences = 0;
    while (true) {
      try {
        attempt.run();
        return differences;
      } catch (IOException e) {
        Inequivalent d = Inequivalent.of(e);
        if (d == null || differences >= MAX_DIFFERENCES) {
          throw reset(e);
        }
        differences++;
        adopt.take(d);
      }
    }
  }

  /** Declares {@code x}, or adopts an equivalent-enough existing one. */
  synchronized Outcome exchange(Topology.Exchange x) throws IOException {
    Topology.Exchange[] attempt = {x};
    int differences = declareLearning(
        () -> channel().exchangeDeclare(attempt[0].name(), attempt[0].type(), attempt[0].durable(),
            attempt[0].autoDelete(), false, Map.of()),
        d -> {
          Topology.Exchange a = attempt[0];
          attempt[0] = switch (d.arg) {
            case "type" -> new Topology.Exchange(x.name(), String.valueOf(d.current), a.durable(), a.autoDelete(), x.role());
            case "durable" -> new Topology.Exchange(x.name(), a.type(), Boolean.TRUE.equals(d.current), a.autoDelete(),
                x.role());
            case "auto_delete" -> new Topology.Exchange(x.name(), a.type(), a.durable(), Boolean.TRUE.equals(d.current),
                x.role());
            // arguments (an alternate exchange...) Fjord never sets: not its to guess
            default -> throw new IOException("exchange '" + x.name() + "' exists with other arguments: " + d.describe());
          };
        });
    if (differences == 0) {
      return Outcome.DECLARED;
    }
    String existing = attempt[0].flags();
    if (!attempt[0].type().equals(x.type())) {
      throw new TransportException("Exchange '" + x.name() + "' exists with " + existing + "; Fjord needs " + x.flags()
          + ": a " + x.type() + " exchange cannot route these messages. Delete or rename the exchange (another "
          + "application uses this name?)" + (x.role() == Topology.Role.TOPIC_EXCHANGE
          ? ", or give this transport another control exchange" : ""));
    }
    adopted("Exchange '" + x.name() + "'", existing, x.flags(), hint(x, attempt[0]));
    return Outcome.ADOPTED;
  }

  /** The flags of a queue declaration as they are learnt from the broker's refusals. */
  private static final class QueueFlags {
    boolean durable;
    boolean exclusive;
    boolean autoDelete;
    final Map<String, Object> args;

    QueueFlags(Topology.Queue q) {
      durable = q.durable();
      exclusive = q.exclusive();
      autoDelete = q.autoDelete();
      args = new LinkedHashMap<>(q.arguments());
    }

    void take(Inequivalent d) {
      switch (d.arg) {
        case "durable" -> durable = Boolean.TRUE.equals(d.current);
        case "auto_delete" -> autoDelete = Boolean.TRUE.equals(d.current);
        case "exclusive" -> exclusive = Boolean.TRUE.equals(d.current);
        default -> {
          if (d.current == null) {
            args.remove(d.arg);
          } else {
            args.put(d.arg, d.current);
          }
        }
      }
    }
  }

  /** Declares {@code q}, or adopts an existing queue whose flags differ in a way that is safe. */
  synchronized Declared queue(Topology.Queue q) throws IOException {
    QueueFlags f = new QueueFlags(q);
    int differences = declareLearning(() -> channel().queueDeclare(q.name(), f.durable, f.exclusive, f.autoDelete, f.args),
        f::take);
    if (differences == 0) {
      return new Declared(q, Outcome.DECLARED);
    }
    Topology.Queue existing = new Topology.Queue(q.name(), kindOf(f.args), f.durable, f.exclusive, f.autoDelete, f.args,
        q.role(), true);
    String unsafe = unsafe(q, existing);
    if (unsafe != null) {
      throw new TransportException("Queue '" + q.name() + "' exists with " + existing.flags() + "; Fjord would declare "
          + q.flags() + ", and " + unsafe + ". " + hint(q, existing));
    }
    adopted("Queue '" + q.name() + "'", existing.flags(), q.flags(), hint(q, existing));
    return new Declared(existing, Outcome.ADOPTED);
  }

  synchronized void bind(String queue, String exchange, String key) throws IOException {
    try {
      channel().queueBind(queue, exchange, key);
    } catch (IOException e) {
      throw reset(e);
    } catch (RuntimeException e) {
      throw reset(e);
    }
  }

  /**
   * After a failure other than a refused declaration, a fresh channel for the next one: an RPC that
   * timed out leaves amqp-client's channel waiting for its answer forever.
   */
  private <E extends Exception> E reset(E e) {
    if (channel != null && channel.isOpen() && AmqpErrors.isTimeout(e)) {
      try {
        channel.abort();
      } catch (IOException | RuntimeException ignored) {
        // going anyway
      }
      channel = null;
    }
    return e;
  }

  private static Topology.Kind kindOf(Map<String, Object> args) {
    Object type = args.get("x-queue-type");
    if ("quorum".equals(String.valueOf(type))) {
      return Topology.Kind.QUORUM;
    }
    return "stream".equals(String.valueOf(type)) ? Topology.Kind.STREAM : Topology.Kind.CLASSIC;
  }

  /** Why using {@code existing} instead of {@code wanted} would break a promise, or null when it would not. */
  private static String unsafe(Topology.Queue wanted, Topology.Queue existing) {
    if ((wanted.kind() == Topology.Kind.STREAM) != (existing.kind() == Topology.Kind.STREAM)) {
      return wanted.kind() == Topology.Kind.STREAM
          ? "consuming a " + existing.kind().name().toLowerCase(java.util.Locale.ROOT) + " queue as the fanout stream "
              + "would take messages from the other servers"
          : "a stream delivers every message to every consumer, not one message to one server";
    }
    if (wanted.kind() == Topology.Kind.QUORUM && existing.kind() == Topology.Kind.CLASSIC) {
      return "the options ask for a replicated quorum queue (and its delivery limit against poison messages), "
          + "which this classic queue is not";
    }
    if (existing.exclusive() && !wanted.exclusive()) {
      return "an exclusive queue belongs to another connection";
    }
    return null;
  }

  private void adopted(String what, String existing, String wanted, String hint) {
    if (WARNED.add(what + existing + wanted)) {
      log.warn("{} exists with {} (Fjord would declare {}); using it as it is. {}", what, existing, wanted, hint);
    }
  }

  /** The options that would make this transport declare exactly what exists. */
  private static String hint(Topology.Exchange wanted, Topology.Exchange existing) {
    if (wanted.role() == Topology.Role.FANOUT_EXCHANGE) {
      return "rabbit_transient_quorum_queue=" + existing.durable() + " would match it.";
    }
    return "amqp_durable_queues=" + existing.durable() + (existing.autoDelete() ? " with amqp_auto_delete=true" : "")
        + " would match it.";
  }

  private static String hint(Topology.Queue wanted, Topology.Queue existing) {
    Map<String, Object> a = existing.arguments();
    List<String> options = new ArrayList<>();
    boolean perProcess = wanted.role() == Topology.Role.REPLY_QUEUE || wanted.role() == Topology.Role.FANOUT_QUEUE;
    if (existing.kind() == Topology.Kind.STREAM && wanted.role() != Topology.Role.FANOUT_QUEUE) {
      return "No oslo option declares a stream under this name: delete the queue or use another name.";
    }
    switch (existing.kind()) {
      case STREAM -> options.add("rabbit_stream_fanout=true (this name is a topic's fanout stream)");
      case QUORUM -> {
        options.add(perProcess ? "rabbit_transient_quorum_queue=true" : "rabbit_quorum_queue=true");
        options.add("rabbit_quorum_delivery_limit=" + a.getOrDefault("x-delivery-limit", 0));
      }
      default -> {
        if (perProcess) {
          options.add("rabbit_transient_quorum_queue=false");
        } else {
          options.add("rabbit_quorum_queue=false");
          options.add("amqp_durable_queues=" + existing.durable());
          options.add("amqp_auto_delete=" + existing.autoDelete());
        }
      }
    }
    Object expires = a.get("x-expires");
    if (perProcess && expires instanceof Number n) {
      options.add("rabbit_transient_queues_ttl=" + n.longValue() / 1000);
    }
    return "Options that would match it: " + String.join(", ", options) + ".";
  }

  /** A parsed 406 inequivalent-argument refusal: which argument, and the existing object's value. */
  private static final class Inequivalent {
    final String arg;
    final String received;
    final Object current;
    final String currentText;

    private Inequivalent(String arg, String received, String currentText) {
      this.arg = arg;
      this.received = received;
      this.currentText = currentText;
      this.current = value(currentText);
    }

    static Inequivalent of(Throwable e) {
      String text = AmqpErrors.replyText(e);
      if (text == null || AmqpErrors.replyCode(e) != 406) {
        return null;
      }
      Matcher m = INEQUIVALENT.matcher(text);
      return m.find() ? new Inequivalent(m.group(1), m.group(5).trim(), m.group(6).trim()) : null;
    }

    String describe() {
      return arg + ": " + currentText + " (Fjord: " + received + ")";
    }

    /** {@code none}, {@code 'x'} or {@code the value 'x' of type 't'} as the Java value amqp-client would send. */
    private static Object value(String text) {
      if (text.equals("none")) {
        return null;
      }
      Matcher typed = TYPED.matcher(text);
      if (typed.matches()) {
        String v = typed.group(1);
        try {
          return switch (typed.group(2)) {
            case "signedint", "unsignedint" -> Integer.valueOf(v);
            case "long", "signedlong" -> Long.valueOf(v);
            case "short", "unsignedshort" -> Short.valueOf(v);
            case "byte", "unsignedbyte" -> Byte.valueOf(v);
            case "bool" -> Boolean.valueOf(v);
            case "double" -> Double.valueOf(v);
            case "float" -> Float.valueOf(v);
            default -> v;
          };
        } catch (NumberFormatException e) {
          return v;
        }
      }
      String v = text.startsWith("'") && text.endsWith("'") && text.length() >= 2 ? text.substring(1, text.length() - 1)
          : text;
      return v.equals("true") || v.equals("false") ? Boolean.valueOf(v) : v;
    }
  }
}
