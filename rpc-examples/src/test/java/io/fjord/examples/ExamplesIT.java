package io.fjord.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.fjord.amqp.BrokerProfile;
import io.fjord.amqp.TestBroker;
import io.fjord.testbroker.TestBrokers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every example's core against the RabbitMQ 3.10 test broker ({@link TestBroker}: never a
 * silent skip) with the URL options its main uses, and checks what it printed and that it deleted
 * everything it declared. Subclasses run the same on other brokers and options.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExamplesIT {
  private static final Duration GONE_WITHIN = Duration.ofSeconds(5);

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private Connection raw;
  /** This test's run id: the examples make their names from it. */
  protected String id;

  /** The broker the examples run on. */
  protected String brokerUrl() {
    return TestBroker.url();
  }

  /** URL options every example runs with here, besides its own (may use {@link #id}). */
  protected String profileOptions() {
    return "";
  }

  /** Queues a run leaves behind unless it deletes them, besides its topics': reply queues that outlive transports. */
  protected List<String> replyQueues() {
    return List.of();
  }

  /** The rabbitmqctl command that manages {@link #brokerUrl()}'s node, or null for the example's default. */
  protected String rabbitmqctl() {
    return null;
  }

  @BeforeEach
  void connect() throws Exception {
    id = Brokers.newId();
    raw = TestBroker.rawConnection(brokerUrl());
    if (rabbitmqctl() != null) {
      System.setProperty(VirtualHosts.CTL_PROPERTY, rabbitmqctl());
    }
  }

  @AfterEach
  void disconnect() throws Exception {
    System.out.println("---- " + getClass().getSimpleName() + ", run " + id + ":\n" + output());
    System.clearProperty(VirtualHosts.CTL_PROPERTY);
    raw.close();
  }

  private boolean run(Example example, String options) throws Exception {
    String url = Brokers.withOptions(Brokers.withOptions(brokerUrl(), profileOptions()), options);
    return example.run(url, id, out);
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void demoDoesACallADirectCallACastAndAFanout() throws Exception {
    assertThat(run(Demo::run, "")).as(output()).isTrue();

    assertThat(output())
        .contains("call  hello on host-2 -> Hello, host-2 only! (from host-2")
        .contains("[host-1] fanout received: refresh_cache()")
        .contains("[host-2] fanout received: refresh_cache()")
        .contains("OK: call, direct call, cast and fanout all worked.");
    awaitRpcTopicGone("fjord_demo_" + id, "host-1", "host-2");
  }

  @Test
  void helloWorldAnswersOneCall() throws Exception {
    assertThat(run(HelloWorld::run, "")).as(output()).isTrue();

    assertThat(output()).contains("call hello(name=world) -> Hello, world!").contains("OK: one call, one reply.");
    awaitRpcTopicGone("fjord_hello_" + id, "server-1");
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
    awaitRpcTopicGone("fjord_work_" + id, WorkQueue.WORKERS.toArray(new String[0]));
  }

  @Test
  void broadcastReachesEveryServerOnce() throws Exception {
    assertThat(run(Broadcast::run, "")).as(output()).isTrue();

    assertThat(output())
        .contains("[cache-1] refresh_cache(reason=fanout)")
        .contains("[cache-2] refresh_cache(reason=fanout)")
        .contains("[cache-3] refresh_cache(reason=fanout)")
        .containsPattern("OK: the cast reached one server \\(cache-\\d\\), the fanout cast reached all 3 once each\\.");
    awaitRpcTopicGone("fjord_broadcast_" + id, Broadcast.SERVERS.toArray(new String[0]));
  }

  @Test
  void directCallBuildsOnTheHostTheSchedulerChose() throws Exception {
    assertThat(run(DirectCall::run, "")).as(output()).isTrue();

    assertThat(output())
        .contains("  compute-2 -> 8192 MB free")
        .contains("scheduler: choosing compute-2")
        .contains("call build_instance on compute-2 -> vm-" + id + " built on compute-2, 7168 MB free now")
        .contains("OK: the instance was built on the chosen host, and only there.");
    awaitRpcTopicGone("fjord_compute_" + id, "compute-1", "compute-2", "compute-3");
  }

  @Test
  void topicPatternsFilterComputeInstanceEvents() throws Exception {
    assertThat(run(TopicPatterns::run, "")).as(output()).isTrue();

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
    awaitGone(List.of(topic + ".info", topic + ".error"), List.of());
  }

  @Test
  void versionedApiFallsBackUnderTheCapAndRefusesUnsupportedVersions() throws Exception {
    assertThat(run(VersionedApi::run, "")).as(output()).isTrue();

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
    awaitRpcTopicGone("fjord_versions_" + id, "compute-1");
  }

  @Test
  void lifecycleNotificationsReachBothPoolsOnce() throws Exception {
    assertThat(run(LifecycleNotifications::run, "")).as(output()).isTrue();

    assertThat(output())
        .contains("[audit-1] INFO compute.instance.create.start")
        .contains("[audit-1] ERROR compute.instance.delete.error")
        .contains("OK: each pool received all 4 events exactly once (billing shared them between its two listeners).");
    String topic = "fjord_lifecycle_" + id;
    awaitGone(List.of(topic + ".info", topic + ".error", "fjord_billing_" + id, "fjord_audit_" + id), List.of());
  }

  @Test
  void errorsShowAllowedAndRemoteTypesATimeoutAndHeartbeats() throws Exception {
    assertThat(run(Errors::run, "")).as(output()).isTrue();

    assertThat(output())
        .contains("caught InstanceNotFound: Instance vm-404 could not be found.")
        .contains("caught RemoteException: remote class io.fjord.examples.InstanceNotFound, "
            + "message \"Instance vm-404 could not be found.\"")
        .contains("caught RemoteException: Remote error: java.lang.IllegalStateException: Instance vm-1 is locked")
        .containsPattern("MessagingTimeoutException after \\d+ ms: Timed out after 1s waiting for a reply")
        .containsPattern("-> \"finished after 3 s\" after \\d+ ms, longer than the call-monitor timeout: kept alive")
        .contains("OK: ");
    awaitRpcTopicGone("fjord_errors_" + id, "inventory-1");
  }

  @Test
  void virtualHostsNeverCrossAndAreDeletedAfterwards() throws Exception {
    assertThat(run(VirtualHosts::run, "")).as(output()).isTrue();

    String output = output();
    String vh1 = "fjord_vh1_" + id;
    String vh2 = "fjord_vh2_" + id;
    assertThat(output)
        .contains("call where() from a client in " + vh1 + " -> answered in " + vh1)
        .contains("call where() from a client in " + vh2 + " -> answered in " + vh2)
        .contains("fanout casts received in " + vh1 + ": from [" + vh1 + "]")
        .contains("OK: the same topic in two virtual hosts never crossed.");
    if (rabbitmqctl() != null) {
      assertThat(output).as("with %s", rabbitmqctl()).contains("creating virtual hosts");
    }
    if (output.contains("creating virtual hosts")) {
      assertThat(output).contains("deleted virtual hosts [" + vh1 + ", " + vh2 + "]");
      assertThat(canConnect(vh1)).as("virtual host %s still exists", vh1).isFalse();
      assertThat(canConnect(vh2)).as("virtual host %s still exists", vh2).isFalse();
    } else {
      assertThat(output).contains("using two memory:// virtual hosts instead");
    }
  }

  // ---- what an example left on the broker

  /**
   * Waits until the RPC topic's queues ({@code <topic>}, {@code <topic>.<server>}, the
   * {@code <topic>_fanout} stream) and exchange, the run's control exchange and reply queues are gone.
   */
  private void awaitRpcTopicGone(String topic, String... servers) throws Exception {
    awaitGone(BrokerProfile.rpcQueues(topic, List.of(servers)), List.of(topic + "_fanout"));
  }

  /** Waits until {@code queues}, {@code exchanges}, the run's control exchange and reply queues are gone. */
  private void awaitGone(List<String> queues, List<String> exchanges) throws Exception {
    List<String> allQueues = new ArrayList<>(queues);
    allQueues.addAll(replyQueues());
    List<String> allExchanges = new ArrayList<>(exchanges);
    allExchanges.add("fjord_demo_" + id);
    long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
    while (true) {
      List<String> left = new ArrayList<>();
      for (String q : allQueues) {
        if (TestBrokers.queueExists(raw, q)) {
          left.add("queue " + q);
        }
      }
      for (String x : allExchanges) {
        if (TestBrokers.exchangeExists(raw, x)) {
          left.add("exchange " + x);
        }
      }
      if (left.isEmpty()) {
        return;
      }
      assertThat(System.nanoTime() - deadline).as("still on the broker %s after the example: %s\n%s", GONE_WITHIN, left,
          output()).isNegative();
      TimeUnit.MILLISECONDS.sleep(50); // polling the broker, bounded by the deadline
    }
  }

  private boolean canConnect(String vhost) {
    try (Connection c = TestBroker.rawConnection(Brokers.withVirtualHost(brokerUrl(), vhost))) {
      return c.isOpen();
    } catch (Exception e) {
      return false;
    }
  }
}
