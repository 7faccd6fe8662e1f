package io.fjord.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The deadline of the request being served, its scopes and its hand-over to other threads, on a manual clock. */
class DeadlineContextTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Deadline.Clock clock = now::get;

  @Test
  void aScopeSetsTheCurrentDeadlineAndRestoresThePreviousOne() {
    Deadline outer = Deadline.after(Duration.ofSeconds(5), clock);
    Deadline inner = Deadline.after(Duration.ofSeconds(1), clock);
    assertThat(DeadlineContext.current()).isNull();
    try (DeadlineContext.Scope a = DeadlineContext.open(outer)) {
      assertThat(DeadlineContext.current()).isSameAs(outer);
      try (DeadlineContext.Scope b = DeadlineContext.open(inner)) {
        assertThat(DeadlineContext.current()).isSameAs(inner);
      }
      assertThat(DeadlineContext.current()).isSameAs(outer);
    }
    assertThat(DeadlineContext.current()).isNull();
  }

  @Test
  void wrappedTasksRunWithTheDeadlineCurrentWhenTheyWereWrapped() throws Exception {
    Deadline d = Deadline.after(Duration.ofSeconds(5), clock);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Deadline> seen = new CompletableFuture<>();
      CompletableFuture<Deadline> seenAfter = new CompletableFuture<>();
      try (DeadlineContext.Scope ignored = DeadlineContext.open(d)) {
        DeadlineContext.wrap(pool).execute(() -> seen.complete(DeadlineContext.current()));
      }
      assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(d);
      // the pool's thread does not keep it after the task
      pool.execute(() -> seenAfter.complete(DeadlineContext.current()));
      assertThat(seenAfter.get(10, TimeUnit.SECONDS)).isNull();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theEarlierDeadlineWinsAndAnInheritedOneIsMarkedPropagated() {
    Deadline own = Deadline.after(Duration.ofSeconds(60), clock);
    Deadline inbound = Deadline.after(Duration.ofSeconds(2), clock);
    now.addAndGet(500_000_000L); // half a second later

    Deadline effective = own.orInbound(inbound);
    assertThat(effective.isPropagated()).isTrue();
    assertThat(effective.remaining()).isEqualTo(Duration.ofMillis(1500));
    assertThat(DeadlineContext.budgetMillis(effective)).isEqualTo(1500);

    assertThat(own.orInbound(null)).isSameAs(own);
    assertThat(inbound.orInbound(own)).isSameAs(inbound); // its own is earlier: kept, not propagated
    assertThat(inbound.isPropagated()).isFalse();
  }

  @Test
  void aPassedDeadlineLeavesABudgetOfZero() {
    Deadline d = Deadline.after(Duration.ofMillis(10), clock);
    now.addAndGet(20_000_000L);
    assertThat(d.isExpired()).isTrue();
    assertThat(DeadlineContext.budgetMillis(d)).isZero();
    assertThat(DeadlineContext.budgetMillis(Deadline.after(Duration.ofNanos(10), clock))).isEqualTo(1);
  }
}
