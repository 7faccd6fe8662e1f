package io.fjord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.amqp.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness runs end to end with tiny counts; its speed is not asserted (that is what it measures). */
class BenchHarnessIT {

  @Test
  void quickRunProducesEveryRowAndTheJsonFile(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("bench.json");
    Bench bench = benchFor("--quick", "--seconds", "0.2", "--url", TestBroker.url(), "--json", json.toString());
    List<Bench.Row> rows = bench.run();
    assertThat(rows).extracting(Bench.Row::scenario).containsExactly("call x1", "call x8", "call x64", "callAsync w64",
        "cast async w1000", "cast x8 blocking", "notify async w1000");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.fjord().opsPerSecond()).isPositive();
      assertThat(r.raw().opsPerSecond()).isPositive();
    });
    assertThat(Files.readString(json)).contains("\"scenario\": \"call x64\"").contains("\"ratio\"");
  }

  private static Bench benchFor(String... args) throws Exception {
    var c = Bench.class.getDeclaredConstructor(String[].class);
    c.setAccessible(true);
    return c.newInstance((Object) args);
  }
}
