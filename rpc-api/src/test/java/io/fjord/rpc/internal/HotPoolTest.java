package io.fjord.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HotPoolTest {
  private HotPool pool;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void runsEveryTaskSubmittedFromManyThreads() throws Exception {
    pool = new HotPool("t", 8, Duration.ofSeconds(30));
    int perSubmitter = 20_000;
    CountDownLatch done = new CountDownLatch(4 * perSubmitter);
    AtomicInteger ran = new AtomicInteger();
    Thread[] submitters = new Thread[4];
    for (int s = 0; s < submitters.length; s++) {
      submitters[s] = new Thread(() -> {
        for (int i = 0; i < perSubmitter; i++) {
          pool.execute(() -> {
            ran.incrementAndGet();
            done.countDown();
          });
        }
      });
      submitters[s].start();
    }
    for (Thread t : submitters) {
      t.join();
    }

    assertThat(done.await(30, TimeUnit.SECONDS)).as("all tasks ran, %d so far", ran.get()).isTrue();
    assertThat(ran).hasValue(4 * perSubmitter);
    assertThat(pool.threadCount()).isBetween(1, 8);
  }

  @Test
  void blockingTasksSpreadOverUpToMaxThreadsAndTheRestWait() throws Exception {
    pool = new HotPool("t", 4, Duration.ofSeconds(30));
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(7);
    for (int i = 0; i < 7; i++) {
      pool.execute(() -> {
        running.incrementAndGet();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        finished.countDown();
      });
    }

    waitUntil("4 tasks run", () -> running.get() == 4);
    assertThat(pool.threadCount()).isEqualTo(4);
    assertThat(running).hasValue(4); // the other 3 wait for a free thread
    release.countDown();
    assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(running).hasValue(7);
  }

  @Test
  void aSequentialStreamStaysOnTheMostRecentlyIdleThreads() throws Exception {
    pool = new HotPool("t", 64, Duration.ofSeconds(30));
    Set<String> names = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 500; i++) {
      waitUntil("every thread is idle", () -> pool.idleCount() == pool.threadCount());
      CountDownLatch done = new CountDownLatch(1);
      pool.execute(() -> {
        names.add(Thread.currentThread().getName());
        done.countDown();
      });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    // a FIFO pool cycles through all its threads; this one wakes the one that ran the last task
    assertThat(names).as("threads used").hasSize(1);
  }

  @Test
  void idleThreadsEndAfterTheKeepAliveAndNewOnesStartForNewWork() throws Exception {
    pool = new HotPool("t", 4, Duration.ofMillis(50));
    CountDownLatch first = new CountDownLatch(1);
    pool.execute(first::countDown);
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();

    waitUntil("the idle thread ends", () -> pool.threadCount() == 0);
    CountDownLatch second = new CountDownLatch(1);
    pool.execute(second::countDown);
    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aFailingTaskDoesNotStopThePool() throws Exception {
    pool = new HotPool("t", 1, Duration.ofSeconds(30));
    CountDownLatch after = new CountDownLatch(1);
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    AtomicInteger reported = new AtomicInteger();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> reported.incrementAndGet());
    try {
      pool.execute(() -> {
        throw new IllegalStateException("boom");
      });
      pool.execute(after::countDown);

      assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(reported).hasValue(1);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void shutdownRunsWhatIsQueuedRejectsNewWorkAndTerminates() throws Exception {
    pool = new HotPool("t", 1, Duration.ofSeconds(30));
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    pool.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ran.incrementAndGet();
    });
    pool.execute(ran::incrementAndGet);

    pool.shutdown();
    assertThatThrownBy(() -> pool.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
    assertThat(pool.isTerminated()).isFalse();
    release.countDown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).hasValue(2);
    assertThat(pool.threadCount()).isZero();
  }
}
