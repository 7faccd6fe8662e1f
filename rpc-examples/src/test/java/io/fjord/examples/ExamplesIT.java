package io.fjord.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.fjord.amqp.TestBroker;
import io.fjord.rpc.TransportUrl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every example's core against the test broker ({@link TestBroker}: a RabbitMQ, never a
 * silent skip) with the URL options its main uses, and checks what it printed and what it left
 * behind on the broker.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExamplesIT {
  private static final Duration GONE_WITHIN = Duration.ofSeconds(5);
  private static Connection raw;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private String id;

  @BeforeAll
  static void connect() throws Exception {
    raw = TestBroker.rawConnection();
  }

  @AfterAll
  static void disconnect() throws Exception {
    raw.close();
  }

  @BeforeEach
  void newId() {
    id = Brokers.newId();
  }

  private boolean run(Example example, String options) throws Exception {
    return example.run(Brokers.withOptions(TestBroker.url(), options), id, out);
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void demoDoesACallADirectCallACastAndAFanout() throws Exception {
    assertThat(run(Demo::run, Demo.RABBIT_OPTIONS)).as(output()).isTrue();

    assertThat(output())
        .contains("call  hello on host-2 -> Hello, host-2 only! (from host-2")
        .contains("[host-1] fanout received: refresh_cache()")
        .contains("[host-2] fanout received: refresh_cache()")
        .contains("OK: call, direct call, cast and fanout all worked.");
    awaitQueueGone("fjord_demo_" + id);
  }

  @Test
  void helloWorldAnswersOneCall() throws Exception {
    assertThat(run(HelloWorld::run, HelloWorld.RABBIT_OPTIONS)).as(output()).isTrue();

    assertThat(output()).contains("call hello(name=world) -> Hello, world!").contains("OK: one call, one reply.");
    awaitQueueGone("fjord_hello_" + id);
    awaitExchangeGone("fjord_demo_" + id);
  }

  @Test
  void workQueueSharesJobsAndAStoppedWorkerFinishesWhatItReceived() throws Exception {
    assertThat(run(WorkQueue::run, WorkQueue.RABBIT_OPTIONS)).as(output()).isTrue();

    String output = output();
    for (String worker : WorkQueue.WORKERS) {
      assertThat(output).containsPattern("  " + worker + " did \\d+ jobs: \\[");
    }
    // prefetch=1: the stopping worker held at most the job it ran and one waiting
    Matcher finished = Pattern.compile("worker-3 finished (\\d+) job\\(s\\) it had already received").matcher(output);
    assertThat(finished.find()).as(output).isTrue();
    assertThat(Integer.parseInt(finished.group(1))).isBetween(0, 2);
    assertThat(output).contains("OK: jobs were shared by all workers, each of the 60 jobs was done exactly once, "
        + "and worker-3 got none after it stopped.");
    awaitQueueGone("fjord_work_" + id);
  }

  @Test
  void broadcastReachesEveryServerOnce() throws Exception {
    assertThat(run(Broadcast::run, Broadcast.RABBIT_OPTIONS)).as(output()).isTrue();

    assertThat(output())
        .contains("[cache-1] refresh_cache(reason=fanout)")
        .contains("[cache-2] refresh_cache(reason=fanout)")
        .contains("[cache-3] refresh_cache(reason=fanout)")
        .containsPattern("OK: the cast reached one server \\(cache-\\d\\), the fanout cast reached all 3 once each\\.");
    awaitExchangeGone("fjord_broadcast_" + id + "_fanout");
  }

  @Test
  void directCallBuildsOnTheHostTheSchedulerChose() throws Exception {
    assertThat(run(DirectCall::run, DirectCall.RABBIT_OPTIONS)).as(output()).isTrue();

    assertThat(output())
        .contains("  compute-2 -> 8192 MB free")
        .contains("scheduler: choosing compute-2")
        .contains("call build_instance on compute-2 -> vm-" + id + " built on compute-2, 7168 MB free now")
        .contains("OK: the instance was built on the chosen host, and only there.");
  }

  @Test
  void topicPatternsFilterComputeInstanceEvents() throws Exception {
    assertThat(run(TopicPatterns::run, TopicPatterns.RABBIT_OPTIONS)).as(output()).isTrue();

    String output = output();
    assertThat(output)
        .contains("[compute.instance.*] INFO compute.instance.create.end from host-1")
        .contains("[compute.instance.*] ERROR compute.instance.resize.error")
        .contains("[*.error] ERROR volume.attach.error")
        .contains("[everything] INFO image.upload")
        .doesNotContain("[compute.instance.*] INFO volume.")
        .doesNotContain("[*.error] INFO")
        .contains("OK: compute.instance.* saw 3 events, *.error saw 2, everything saw all 6.");
    String topic = "fjord_patterns_" + id;
    awaitQueueGone(topic + ".info");
    awaitQueueGone(topic + ".error");
    awaitExchangeGone("fjord_demo_" + id);
  }

  @Test
  void versionedApiFallsBackUnderTheCapAndRefusesUnsupportedVersions() throws Exception {
    assertThat(run(VersionedApi::run, VersionedApi.RABBIT_OPTIONS)).as(output()).isTrue();

    assertThat(output())
        .contains("stop_instance sent as 1.3 -> stopped vm-1 cleanly")
        .contains("canSendVersion(1.3) = false")
        .contains("stop_instance fell back to 1.0 -> stopped vm-2 (1.0 message: default shutdown)")
        .contains("RpcVersionCapException before sending: Requested message version 1.3 of 'stop_instance'")
        .contains("UnsupportedVersion from the server: Endpoint does not support RPC version 1.4. "
            + "Attempted method: stop_instance")
        .contains("Endpoint does not support RPC version 2.0. Attempted method: stop_instance")
        .contains("namespace baseapi 1.0: ping -> pong hi")
        .contains("namespace baseapi 1.1: UnsupportedVersion: Endpoint does not support RPC version 1.1. "
            + "Attempted method: ping")
        .contains("OK: ");
  }

  @Test
  void lifecycleNotificationsReachBothPoolsOnce() throws Exception {
    assertThat(run(LifecycleNotifications::run, LifecycleNotifications.RABBIT_OPTIONS)).as(output()).isTrue();

    assertThat(output())
        .contains("[audit-1] INFO compute.instance.create.start")
        .contains("[audit-1] ERROR compute.instance.delete.error")
        .contains("OK: each pool received all 4 events exactly once (billing shared them between its two listeners).");
    String topic = "fjord_lifecycle_" + id;
    for (String queue : new String[] {topic + ".info", topic + ".error", "fjord_billing_" + id, "fjord_audit_" + id}) {
      awaitQueueGone(queue);
    }
    awaitExchangeGone("fjord_demo_" + id);
  }

  @Test
  void errorsShowAllowedAndRemoteTypesATimeoutAndHeartbeats() throws Exception {
    assertThat(run(Errors::run, Errors.RABBIT_OPTIONS)).as(output()).isTrue();

    assertThat(output())
        .contains("caught InstanceNotFound: Instance vm-404 could not be found.")
        .contains("caught RemoteException: remote class io.fjord.examples.InstanceNotFound, "
            + "message \"Instance vm-404 could not be found.\"")
        .contains("caught RemoteException: Remote error: java.lang.IllegalStateException: Instance vm-1 is locked")
        .containsPattern("MessagingTimeoutException after \\d+ ms: Timed out after 1s waiting for a reply")
        .containsPattern("-> \"finished after 3 s\" after \\d+ ms, longer than the call-monitor timeout: kept alive")
        .contains("OK: ");
  }

  @Test
  void virtualHostsNeverCrossAndAreDeletedAfterwards() throws Exception {
    assertThat(run(VirtualHosts::run, VirtualHosts.RABBIT_OPTIONS)).as(output()).isTrue();

    String output = output();
    String vh1 = "fjord_vh1_" + id;
    String vh2 = "fjord_vh2_" + id;
    assertThat(output)
        .contains("call where() from a client in " + vh1 + " -> answered in " + vh1)
        .contains("call where() from a client in " + vh2 + " -> answered in " + vh2)
        .contains("fanout casts received in " + vh1 + ": from [" + vh1 + "]")
        .contains("OK: the same topic in two virtual hosts never crossed.");
    if (output.contains("creating virtual hosts")) {
      assertThat(output).contains("deleted virtual hosts [" + vh1 + ", " + vh2 + "]");
      assertThat(canConnect(vh1)).as("virtual host %s still exists", vh1).isFalse();
      assertThat(canConnect(vh2)).as("virtual host %s still exists", vh2).isFalse();
    } else {
      assertThat(output).contains("using two memory:// virtual hosts instead");
    }
  }

  // ---- what an example left on the broker

  private static void awaitQueueGone(String queue) throws Exception {
    long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
    while (TestBroker.queueExists(raw, queue)) {
      assertThat(System.nanoTime() - deadline).as("queue %s still exists after %s", queue, GONE_WITHIN).isNegative();
      TimeUnit.MILLISECONDS.sleep(50); // polling the broker, bounded by the deadline
    }
  }

  private static void awaitExchangeGone(String exchange) throws Exception {
    long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
    while (exchangeExists(exchange)) {
      assertThat(System.nanoTime() - deadline).as("exchange %s still exists after %s", exchange, GONE_WITHIN)
          .isNegative();
      TimeUnit.MILLISECONDS.sleep(50); // polling the broker, bounded by the deadline
    }
  }

  private static boolean exchangeExists(String exchange) throws IOException {
    return io.fjord.testbroker.TestBrokers.exchangeExists(raw, exchange);
  }

  private static boolean canConnect(String vhost) {
    TransportUrl u = TransportUrl.parse(TestBroker.url());
    TransportUrl.Host h = u.hosts().get(0);
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(h.hostname());
    f.setPort(h.portOr(5672));
    f.setUsername(h.username() == null ? "guest" : h.username());
    f.setPassword(h.password() == null ? "guest" : h.password());
    f.setVirtualHost(vhost);
    try (Connection c = f.newConnection("fjord-example-test")) {
      return c.isOpen();
    } catch (Exception e) {
      return false;
    }
  }
}
