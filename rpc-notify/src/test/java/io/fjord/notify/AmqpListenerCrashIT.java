package io.fjord.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.amqp.TestBroker;
import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportOptions;
import io.fjord.rpc.TransportUrl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A listener process killed with SIGKILL mid-stream: nothing lost, duplicates bounded by what was in flight. */
@org.junit.jupiter.api.Tag("fault")
class AmqpListenerCrashIT {

  /** Records what the surviving listener handles. */
  public static final class Survivor {
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();

    public void info(ReceivedNotification n) {
      deliveries.incrementAndGet();
      seen.add(n.payload().get("i").asInt());
    }
  }

  @Test
  void aKilledListenerProcessLosesNoNotification() throws Exception {
    String exchange = TestBroker.name("crash_x");
    String topic = TestBroker.name("crash_t");
    String pool = TestBroker.name("crash_pool");
    int n = 300;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ListenerProcess.class.getName(), TestBroker.url(), exchange, topic, pool).redirectErrorStream(true).start();
    Set<Integer> handledByChild = ConcurrentHashMap.newKeySet();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.equals("ready")) {
            ready.countDown();
          } else if (line.startsWith("handled ")) {
            handledByChild.add(Integer.parseInt(line.substring(8).trim()));
          }
        }
      } catch (Exception ignored) {
        // the process died
      }
    });
    reader.setDaemon(true);
    reader.start();
    try (Transport t = Transport.open(TransportUrl.parse(TestBroker.url()),
        TransportOptions.builder().controlExchange(exchange).closeTimeout(Duration.ofSeconds(2)).build())) {
      try {
        assertThat(ready.await(30, TimeUnit.SECONDS)).as("child listener started").isTrue();
        Notifier notifier = Notifier.builder(t).publisherId("p").topics(topic).failurePolicy(Notifier.FailurePolicy.THROW)
            .build();
        for (int i = 0; i < n; i++) {
          notifier.info(RequestContext.empty(), "crash.event", Map.of("i", i));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (handledByChild.size() < 50 && System.nanoTime() - deadline < 0) {
          Thread.sleep(10);
        }
        child.destroyForcibly(); // SIGKILL: no ack, no goodbye
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        int byChild = handledByChild.size();
        assertThat(byChild).as("the child was killed mid-stream").isBetween(50, n - 1);

        Survivor survivor = new Survivor();
        NotificationListener l = NotificationListener.builder(t).target(Target.topic(topic)).pool(pool)
            .endpoint(survivor).build();
        l.start();
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<Integer> all = new HashSet<>();
        while (System.nanoTime() - deadline < 0) {
          all.clear();
          all.addAll(handledByChild);
          all.addAll(survivor.seen);
          if (all.size() == n) {
            break;
          }
          Thread.sleep(20);
        }
        assertThat(all).as("every notification handled by one of the two").hasSize(n);
        Set<Integer> twice = new HashSet<>(handledByChild);
        twice.retainAll(survivor.seen);
        assertThat(twice.size()).as("duplicates, bounded by the prefetch (64)").isLessThanOrEqualTo(64);
        System.out.printf("listener killed after %d of %d: 0 lost, %d handled twice%n", byChild, n, twice.size());
        l.close();
      } finally {
        child.destroyForcibly();
        try (var raw = TestBroker.rawConnection()) {
          TestBroker.delete(raw, new String[] {pool, topic + ".info"}, new String[] {exchange});
        }
      }
    }
  }

}
