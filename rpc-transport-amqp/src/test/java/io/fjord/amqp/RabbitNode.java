package io.fjord.amqp;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An extra RabbitMQ node of the tests' own, started from Debian's rabbitmq-server scripts with its
 * own node name, ports, data directory, epmd port and cookie, so it never touches the shared nodes
 * on 5672 and 5700 (DESIGN.md): RabbitMQ 3.10 from the host ({@link #start()}) or RabbitMQ 4.x with
 * RabbitMQ 4.3's rules from the project's chroot ({@link #startRabbit4()}, see {@link RabbitInstall}).
 * A 3.10 node can also listen with TLS, asking clients for a certificate or not ({@link #startWithTls}).
 * Stop, kill -9, freeze (SIGSTOP) and restart it to inject faults; close() tears it down and deletes
 * its files. Methods that change the node's state are synchronized.
 */
public final class RabbitNode implements AutoCloseable {
  private static final int START_ATTEMPTS = 3;

  private final RabbitInstall install;
  private final String nodeName;
  private final int port;
  private final Path dir;
  private Process process;
  private Path tls;
  private ClientCertificates clients;
  private String cookie;

  private RabbitNode(RabbitInstall install, int port, Path dir) {
    this.install = install;
    this.nodeName = install.nodePrefix() + port + "@localhost";
    this.port = port;
    this.dir = dir;
  }

  /** Starts a RabbitMQ 3.10 node on a free port from 5681 and waits until it accepts AMQP connections. */
  public static RabbitNode start() throws Exception {
    return start(RabbitInstall.HOST, null, ClientCertificates.NOT_ASKED, null);
  }

  /**
   * Starts a node of the chroot's RabbitMQ 4.x with RabbitMQ 4.3's rules on a free port from 5801
   * and waits until it accepts AMQP connections (about 2 s here). Needs root; builds the chroot with
   * {@code .ci/rabbitmq4} when it is missing.
   */
  public static RabbitNode startRabbit4() throws Exception {
    return start(RabbitInstall.chroot(), null, ClientCertificates.NOT_ASKED, null);
  }

  /**
   * Starts a node that also listens with TLS on {@link #tlsPort()}, with {@code certs}/server.pem,
   * server.key and ca.pem (see {@link #makeCertificates}); it asks clients for no certificate.
   */
  public static RabbitNode startWithTls(Path certs) throws Exception {
    return startWithTls(certs, ClientCertificates.NOT_ASKED);
  }

  /** As {@link #startWithTls(Path)}, asking clients for a certificate as {@code clients} says. */
  public static RabbitNode startWithTls(Path certs, ClientCertificates clients) throws Exception {
    return start(RabbitInstall.HOST, certs, clients, null);
  }

  /** What a node's TLS listener asks of a client's certificate. */
  public enum ClientCertificates {
    /** Nothing: the listener asks for none ({@code verify_none}). */
    NOT_ASKED,
    /** One signed by the test CA ({@code ca.pem}), or the handshake fails ({@code verify_peer}, {@code fail_if_no_peer_cert}). */
    REQUIRED,
    /**
     * As {@link #REQUIRED}, and the node offers EXTERNAL after PLAIN and AMQPLAIN (plugin
     * {@code rabbitmq_auth_mechanism_ssl}): the certificate's common name is the user name.
     */
    REQUIRED_WITH_EXTERNAL
  }

  /**
   * Starts {@code size} nodes sharing an Erlang cookie and joins them into one cluster; the first
   * node is the seed. Measured here: about 20 s for three.
   */
  public static List<RabbitNode> startCluster(int size) throws Exception {
    String cookie = "FJORDTEST" + Long.toHexString(System.nanoTime()).toUpperCase(java.util.Locale.ROOT);
    List<RabbitNode> nodes = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        nodes.add(start(RabbitInstall.HOST, null, ClientCertificates.NOT_ASKED, cookie));
      }
      for (RabbitNode n : nodes.subList(1, nodes.size())) {
        n.ctl("stop_app");
        n.ctl("join_cluster", nodes.get(0).nodeName);
        n.ctl("start_app");
      }
      return nodes;
    } catch (Exception e) {
      for (RabbitNode n : nodes) {
        n.close();
      }
      throw e;
    }
  }

  /** The Erlang node name, e.g. {@code fjord5681@localhost}. */
  public String nodeName() {
    return nodeName;
  }

  /** What this node runs, e.g. {@code RabbitMQ 4.x (chroot /var/lib/fjord/rabbitmq4-trixie)}. */
  public String label() {
    return install.label();
  }

  /**
   * Starts a node on a free port; retries on another port when the node exits while starting
   * (another JVM may have taken the port between the check and the node's bind).
   */
  private static RabbitNode start(RabbitInstall install, Path certs, ClientCertificates clients, String cookie)
      throws Exception {
    String unavailable = install.unavailable();
    if (unavailable != null) {
      throw new IllegalStateException(unavailable);
    }
    for (int attempt = 1; ; attempt++) {
      RabbitNode node = new RabbitNode(install, freePort(install), install.newNodeDirectory());
      node.tls = certs;
      node.clients = clients;
      node.cookie = cookie;
      try {
        node.launch();
        return node;
      } catch (NodeExited e) {
        node.close();
        if (attempt == START_ATTEMPTS) {
          throw e;
        }
      } catch (Exception e) {
        node.close();
        throw e;
      }
    }
  }

  /** The node's process exited while it was starting. */
  private static final class NodeExited extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NodeExited(String message) {
      super(message);
    }
  }

  private static final java.util.Set<Integer> TAKEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static int freePort(RabbitInstall install) {
    int first = install.firstPort();
    for (int p = first; p < first + 100; p += 2) {
      if (!TAKEN.contains(p) && free(p) && free(p + 1) && free(p + 20000) && TAKEN.add(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no free port in " + first + ".." + (first + 99) + " for a test RabbitMQ node");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Starts (or restarts, keeping its data) the node; returns once it accepts connections. */
  public synchronized void launch() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("node " + nodeName + " is running");
    }
    Files.createDirectories(dir.resolve("home"));
    if (cookie != null) {
      Path c = dir.resolve("home").resolve(".erlang.cookie");
      Files.writeString(c, cookie);
      c.toFile().setReadable(false, false);
      c.toFile().setReadable(true, true);
      c.toFile().setWritable(false, false);
    }
    Files.createDirectories(dir.resolve("mnesia"));
    Files.createDirectories(dir.resolve("log"));
    Files.writeString(dir.resolve("enabled_plugins"),
        clients == ClientCertificates.REQUIRED_WITH_EXTERNAL ? "[rabbitmq_auth_mechanism_ssl].\n" : "[].\n");
    Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
    String conf = "listeners.tcp.default = 127.0.0.1:" + port + "\nloopback_users = none\n" + install.extraConfig();
    if (tls != null) {
      conf += tlsConfig();
    }
    Files.writeString(dir.resolve("rabbitmq.conf"), conf);
    Map<String, String> env = new java.util.LinkedHashMap<>(ctlEnvironment());
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(port + 20000));
    env.put("RABBITMQ_MNESIA_BASE", install.inside(dir.resolve("mnesia")));
    env.put("RABBITMQ_LOG_BASE", install.inside(dir.resolve("log")));
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", install.inside(dir.resolve("enabled_plugins")));
    env.put("RABBITMQ_CONFIG_FILE", install.inside(dir.resolve("rabbitmq")));
    env.put("RABBITMQ_PID_FILE", install.inside(dir.resolve("pid")));
    ProcessBuilder pb = install.process(List.of(RabbitInstall.SERVER), env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("console.log").toFile());
    process = pb.start();
    long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
    while (!TestBroker.answers("127.0.0.1", port)) {
      if (!process.isAlive()) {
        throw new NodeExited(install.label() + " node " + nodeName + " exited during start; see " + dir.resolve("console.log")
            + ":\n" + tail());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(install.label() + " node " + nodeName + " did not open port " + port + " within "
            + BOOT_TIMEOUT.toSeconds() + " s:\n" + tail());
      }
      Thread.sleep(100); // polling the port, bounded by the deadline
    }
  }

  /** rabbitmq.conf lines of the TLS listener, asking for client certificates as {@link #clients} says. */
  private String tlsConfig() {
    boolean required = clients != ClientCertificates.NOT_ASKED;
    String conf = "listeners.ssl.default = 127.0.0.1:" + tlsPort() + "\n"
        + "ssl_options.cacertfile = " + tls.resolve("ca.pem") + "\n"
        + "ssl_options.certfile = " + tls.resolve("server.pem") + "\n"
        + "ssl_options.keyfile = " + tls.resolve("server.key") + "\n"
        + "ssl_options.verify = " + (required ? "verify_peer" : "verify_none") + "\n"
        + "ssl_options.fail_if_no_peer_cert = " + required + "\n";
    if (clients == ClientCertificates.REQUIRED_WITH_EXTERNAL) {
      conf += "auth_mechanisms.1 = PLAIN\n"
          + "auth_mechanisms.2 = AMQPLAIN\n"
          + "auth_mechanisms.3 = EXTERNAL\n"
          + "ssl_cert_login_from = common_name\n";
    }
    return conf;
  }

  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);

  /** What both the node and rabbitmqctl need: its HOME (cookie), epmd port and empty env file. */
  private Map<String, String> ctlEnvironment() {
    return Map.of("HOME", install.inside(dir.resolve("home")),
        "ERL_EPMD_PORT", Integer.toString(install.epmdPort()),
        "RABBITMQ_CONF_ENV_FILE", install.inside(dir.resolve("rabbitmq-env.conf")));
  }

  private String tail() {
    try {
      String s = Files.readString(dir.resolve("console.log"));
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "(no console log)";
    }
  }

  /** The TLS port (AMQP port + 1) of a node started with {@link #startWithTls}. */
  public int tlsPort() {
    return port + 1;
  }

  /**
   * Makes a test CA, a server certificate for {@code localhost} and client certificates with openssl
   * in a new directory; see {@link TestCertificates} for the files. Delete it with
   * {@link #deleteCertificates}.
   */
  public static Path makeCertificates() throws Exception {
    return TestCertificates.make();
  }

  /** Deletes a directory {@link #makeCertificates} made; nothing when it is null. */
  public static void deleteCertificates(Path certs) throws IOException {
    TestCertificates.delete(certs);
  }

  /** The node's files (data, logs, config) on the host; close() deletes them. */
  Path directory() {
    return dir;
  }

  /** The node's AMQP port. */
  public int port() {
    return port;
  }

  /** A transport URL for this node, with {@code query} options appended ("" for none). */
  public String url(String query) {
    return "rabbit://guest:guest@127.0.0.1:" + port + "/" + (query.isEmpty() ? "" : "?" + query);
  }

  /** Graceful stop (SIGTERM); waits until the node has exited. */
  public synchronized void stop() throws Exception {
    signal("TERM");
    awaitExit();
  }

  /** Crash (SIGKILL of the Erlang VM); waits until it has exited. */
  public synchronized void kill() throws Exception {
    signal("KILL");
    awaitExit();
  }

  /**
   * Runs {@code rabbitmqctl} against this node (its own name, cookie and epmd port; inside the
   * chroot for a 4.x node); returns its output.
   */
  public String ctl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(RabbitInstall.CTL, "-n", nodeName));
    cmd.addAll(List.of(args));
    Process p = install.process(cmd, ctlEnvironment()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** Freezes the node (SIGSTOP): its sockets stay open but nothing answers, like a network black hole. */
  public synchronized void freeze() throws Exception {
    signal("STOP");
  }

  /** Resumes a frozen node (SIGCONT). */
  public synchronized void thaw() throws Exception {
    signal("CONT");
  }

  private long beamPid() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("pid")).trim());
  }

  private void signal(String sig) throws Exception {
    long pid = beamPid();
    new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor();
  }

  private void awaitExit() throws InterruptedException {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (TestBroker.answers("127.0.0.1", port) && System.nanoTime() - deadline < 0) {
      Thread.sleep(50);
    }
  }

  @Override
  public synchronized void close() throws Exception {
    try {
      if (process != null && process.isAlive()) {
        try {
          thaw();
          kill();
        } catch (Exception e) {
          process.destroyForcibly();
        }
      }
    } finally {
      TAKEN.remove(port);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
