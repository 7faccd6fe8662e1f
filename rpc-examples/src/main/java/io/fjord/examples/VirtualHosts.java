package io.fjord.examples;

import io.fjord.rpc.MessagingTimeoutException;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Example 9, virtual hosts: one broker, two virtual hosts, the same topic and server names in both,
 * and no message crosses from one to the other: a call in each is answered by its own server, a
 * fanout cast in one reaches only that one's server, and a call to a topic served only in the
 * other virtual host times out.
 *
 * <p>On RabbitMQ at localhost the example creates its two virtual hosts with {@code rabbitmqctl
 * add_vhost} and {@code set_permissions} for the URL's user, and deletes them afterwards (which
 * deletes everything in them). The command is {@code rabbitmqctl} unless the system property
 * {@code fjord.rabbitmqctl} or the environment variable {@code FJORD_RABBITMQCTL} names another
 * (e.g. {@code bash .ci/rabbitmq4 ctl} for the project's RabbitMQ 4.x node); it must manage the
 * node that listens on the URL's port. Without such a command, or for a remote broker, it says so
 * and runs on two {@code memory://} virtual hosts, which are as isolated. Exits non-zero when a
 * message crossed or did not arrive.
 */
public final class VirtualHosts {
  private VirtualHosts() {
  }

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration CTL_TIMEOUT = Duration.ofSeconds(60);
  /** The system property naming the rabbitmqctl command (words separated by spaces). */
  static final String CTL_PROPERTY = "fjord.rabbitmqctl";

  /** The endpoint of the server in each virtual host. */
  public static final class Inventory {
    private final String vhost;
    private final Tally casts;

    Inventory(String vhost, Tally casts) {
      this.vhost = vhost;
      this.casts = casts;
    }

    public String where() {
      return vhost;
    }

    public void refresh(String from) {
      casts.add(vhost, from);
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(""), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) throws InterruptedException {
    List<String> vhosts = List.of("fjord_vh1_" + id, "fjord_vh2_" + id);
    String base = url;
    boolean created = false;
    if (!Brokers.isMemory(url)) {
      String why = notLocal(url);
      if (why == null) {
        why = notManaged(TransportUrl.parse(url).hosts().get(0).portOr(5672));
      }
      if (why == null) {
        String user = TransportUrl.parse(url).hosts().get(0).username();
        why = createVirtualHosts(vhosts, user == null ? "guest" : user, out);
        created = why == null;
      }
      if (why != null) {
        out.println("Cannot create virtual hosts on this broker (" + why + "); using two memory:// virtual hosts "
            + "instead, which are isolated the same way");
        base = "memory://host/";
      }
    } else {
      out.println("memory:// keeps one bus per virtual host: using two of them");
    }
    List<String> failures;
    try {
      failures = exchange(base, vhosts, id, out);
    } finally {
      if (created) {
        deleteVirtualHosts(vhosts, out);
      }
    }
    boolean ok = failures.isEmpty();
    out.println(ok ? "OK: the same topic in two virtual hosts never crossed." : "FAILED: " + failures);
    return ok;
  }

  /** Serves and calls the same topic in both virtual hosts; what crossed or did not arrive. */
  private static List<String> exchange(String base, List<String> vhosts, String id, PrintStream out)
      throws InterruptedException {
    String topic = "fjord_vhosts_" + id;
    Tally casts = new Tally();
    List<String> failures = new ArrayList<>();
    List<Transport> transports = new ArrayList<>();
    try {
      for (String vhost : vhosts) {
        Transport t = Transport.open(TransportUrl.parse(Brokers.withVirtualHost(base, vhost)), Brokers.ownExchange(id));
        transports.add(t);
        RpcServer.builder(t, Target.topic(topic).withServer("inventory")).endpoint(new Inventory(vhost, casts))
            .build().start();
        out.println("server inventory on topic " + topic + " in " + t.url());
      }
      RequestContext ctx = RequestContext.empty();
      for (int i = 0; i < vhosts.size(); i++) {
        RpcClient client = RpcClient.builder(transports.get(i), Target.topic(topic)).timeout(WAIT).build();
        String where = client.call(ctx, "where", Map.of(), String.class);
        out.println("call where() from a client in " + vhosts.get(i) + " -> answered in " + where);
        if (!where.equals(vhosts.get(i))) {
          failures.add("a call from " + vhosts.get(i) + " was answered in " + where);
        }
      }

      RpcClient first = RpcClient.builder(transports.get(0), Target.topic(topic)).timeout(WAIT).build();
      first.prepare(null, true).cast(ctx, "refresh", Map.of("from", vhosts.get(0)));
      RpcClient second = RpcClient.builder(transports.get(1), Target.topic(topic)).timeout(WAIT).build();
      second.prepare(null, true).cast(ctx, "refresh", Map.of("from", vhosts.get(1)));
      // each server gets its own virtual host's fanout; had the first crossed, it would be there by then
      if (!casts.await(WAIT, t -> t.count(vhosts.get(0)) >= 1 && t.count(vhosts.get(1)) >= 1)) {
        failures.add("a fanout cast did not arrive: " + casts.snapshot());
      }
      for (String vhost : vhosts) {
        out.println("fanout casts received in " + vhost + ": from " + casts.get(vhost));
        if (!casts.get(vhost).equals(List.of(vhost))) {
          failures.add(vhost + " received fanout casts from " + casts.get(vhost));
        }
      }

      String lonely = topic + "_only_vh1";
      RpcServer.builder(transports.get(0), Target.topic(lonely).withServer("inventory"))
          .endpoint(new Inventory(vhosts.get(0), casts)).build().start();
      try {
        RpcClient.builder(transports.get(1), Target.topic(lonely)).timeout(Duration.ofSeconds(1)).build()
            .call(ctx, "where", Map.of(), String.class);
        failures.add("a call from " + vhosts.get(1) + " reached topic " + lonely + " served only in " + vhosts.get(0));
      } catch (MessagingTimeoutException e) {
        out.println("call from " + vhosts.get(1) + " to " + lonely + " (served only in " + vhosts.get(0)
            + ") -> timed out after 1 s");
      }
    } finally {
      transports.forEach(Transport::close);
    }
    return failures;
  }

  /** Why this machine's rabbitmqctl does not manage {@code url}'s broker, or null when it may. */
  private static String notLocal(String url) {
    List<TransportUrl.Host> hosts = TransportUrl.parse(url).hosts();
    String host = hosts.isEmpty() ? "localhost" : hosts.get(0).hostname();
    if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1")) {
      return null;
    }
    return "the broker at " + host + " is not local, so this machine's rabbitmqctl does not manage it";
  }

  /** The rabbitmqctl command: {@code fjord.rabbitmqctl}, else {@code $FJORD_RABBITMQCTL}, else rabbitmqctl. */
  private static List<String> ctlCommand() {
    String configured = System.getProperty(CTL_PROPERTY, System.getenv("FJORD_RABBITMQCTL"));
    return configured == null || configured.isBlank() ? List.of("rabbitmqctl") : List.of(configured.trim().split("\\s+"));
  }

  /**
   * Why the rabbitmqctl command does not manage the node listening on {@code port} (another local
   * node, e.g. the system's 5672 beside a test node), or null when it does.
   */
  private static String notManaged(int port) throws InterruptedException {
    File output;
    try {
      output = File.createTempFile("fjord-rabbitmqctl", ".txt");
    } catch (IOException e) {
      return "cannot run rabbitmqctl: " + e.getMessage();
    }
    try {
      List<String> command = new ArrayList<>(ctlCommand());
      command.addAll(List.of("-q", "status"));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
      if (!p.waitFor(CTL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", command) + " did not finish within " + CTL_TIMEOUT.toSeconds() + " s";
      }
      String status = read(output);
      if (p.exitValue() != 0) {
        return String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + status;
      }
      return status.contains("port: " + port + ", protocol: amqp") ? null : String.join(" ", ctlCommand())
          + " manages another node than the one on port " + port + "; set -D" + CTL_PROPERTY
          + " or FJORD_RABBITMQCTL to the command that manages it";
    } catch (IOException e) {
      return "cannot run rabbitmqctl: " + e.getMessage();
    } finally {
      output.delete();
    }
  }

  /** Creates the virtual hosts and grants {@code user} everything in them; null on success, else why not. */
  private static String createVirtualHosts(List<String> vhosts, String user, PrintStream out)
      throws InterruptedException {
    out.println("creating virtual hosts " + vhosts + " with rabbitmqctl");
    List<List<String>> adds = new ArrayList<>();
    List<List<String>> grants = new ArrayList<>();
    for (String vhost : vhosts) {
      adds.add(List.of("add_vhost", vhost));
      grants.add(List.of("set_permissions", "-p", vhost, user, ".*", ".*", ".*"));
    }
    String error = rabbitmqctl(adds);
    if (error == null) {
      error = rabbitmqctl(grants);
    }
    if (error != null && !error.startsWith("cannot run")) {
      deleteVirtualHosts(vhosts, out);
    }
    return error;
  }

  private static void deleteVirtualHosts(List<String> vhosts, PrintStream out) throws InterruptedException {
    List<List<String>> deletes = new ArrayList<>();
    vhosts.forEach(v -> deletes.add(List.of("delete_vhost", v)));
    String error = rabbitmqctl(deletes);
    out.println(error == null ? "deleted virtual hosts " + vhosts + " (and everything in them)"
        : "could not delete virtual hosts " + vhosts + ": " + error);
  }

  /**
   * Runs {@code rabbitmqctl -q <args>} once per entry, all at once (each start of the Erlang VM
   * takes a second or two); null when every run succeeded, else what failed.
   */
  private static String rabbitmqctl(List<List<String>> runs) throws InterruptedException {
    List<Process> processes = new ArrayList<>();
    List<File> outputs = new ArrayList<>();
    try {
      for (List<String> args : runs) {
        List<String> command = new ArrayList<>(ctlCommand());
        command.add("-q");
        command.addAll(args);
        File output = File.createTempFile("fjord-rabbitmqctl", ".txt");
        output.deleteOnExit();
        outputs.add(output);
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start());
      }
    } catch (IOException e) {
      processes.forEach(Process::destroyForcibly);
      return "cannot run rabbitmqctl: " + e.getMessage();
    }
    String error = null;
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      String command = String.join(" ", ctlCommand()) + " " + String.join(" ", runs.get(i));
      if (!p.waitFor(CTL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        error = command + " did not finish within " + CTL_TIMEOUT.toSeconds() + " s";
      } else if (p.exitValue() != 0 && error == null) {
        error = command + " failed (exit " + p.exitValue() + "): " + read(outputs.get(i));
      }
      outputs.get(i).delete();
    }
    return error;
  }

  private static String read(File file) {
    try {
      return Files.readString(file.toPath(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
