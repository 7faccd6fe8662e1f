package io.fjord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.amqp.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison runs end to end with tiny counts: every side starts its server and client JVMs, measures
 * and reports. Speed is not asserted (that is what it measures).
 */
class CompareHarnessIT {

  @Test
  void everySideRunsACallAndAOneWayRowInJvmsOfItsOwn(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("compare.json");
    for (String only : List.of("call x8", "notify")) {
      List<Compare.Result> results = new Compare(new String[] {"--quick", "--warmup", "0.3", "--seconds", "0.5",
          "--only", only, "--url", TestBroker.url(), "--json", json.toString()}).run();
      assertThat(results).extracting(Compare.Result::side).containsExactlyInAnyOrderElementsOf(Compare.SIDES);
      assertThat(results).allSatisfy(r -> {
        assertThat(r.opsPerSecond()).as(r.side()).isPositive();
        assertThat(r.clientCpu()).as(r.side()).isPositive();
        assertThat(r.serverCpu()).as(r.side()).isNotNegative();
      });
      assertThat(Files.readString(json)).contains("\"side\": \"fjord\"").contains("\"side\": \"floor\"");
    }
  }

  @Test
  void theScaleRowsRunAndMeasureHeapsAndBigCalls(@TempDir Path dir) throws Exception {
    List<Compare.Result> results = new Compare(new String[] {"--scale", "--warmup", "0.3", "--seconds", "0.5",
        "--sides", "floor,fjord-fast", "--url", TestBroker.url(), "--json", dir.resolve("scale.json").toString()}).run();
    assertThat(results).extracting(r -> r.scenario().label + " " + r.payload() + " " + r.side()).containsExactlyInAnyOrder(
        "call x1 1048576 floor", "call x1 1048576 fjord-fast", "call x1 8388608 floor", "call x1 8388608 fjord-fast",
        "callAsync w10000 100 floor", "callAsync w10000 100 fjord-fast",
        "callAsync w64 soak 100 floor", "callAsync w64 soak 100 fjord-fast",
        "fanout x50 100 floor", "fanout x50 100 fjord-fast");
    assertThat(results).allSatisfy(r -> {
      // a cold 8 MiB call, or the first of 10,000 in flight, may take longer than the tiny window: each row
      // ran, whether or not a call ended in its window; the soak's six windows see calls end
      assertThat(r.clientCpu()).as("client CPU, %s %s", r.scenario(), r.side()).isPositive();
      if (r.scenario() == Contender.Scenario.CALL_1) {
        return; // big calls: no heap figures
      }
      if (r.scenario() == Contender.Scenario.FANOUT_50) {
        // 50 fanouts in the window: the servers' JVM timed those that reached all 50 servers
        assertThat(r.reachedAll()).as("fanouts that reached all 50 servers, %s", r.side()).isPositive();
        assertThat(r.p50()).as("time to the last server, %s", r.side()).isPositive();
        return;
      }
      assertThat(r.heap().clientBefore()).as("client heap before, %s", r.side()).isPositive();
      assertThat(r.heap().clientEnd()).as("client heap at the end, %s", r.side()).isPositive();
      if (r.scenario() == Contender.Scenario.SOAK_64) {
        assertThat(r.opsPerSecond()).as("soak calls, %s", r.side()).isPositive();
        assertThat(r.heap().serverStart()).as("server heap, %s", r.side()).isPositive();
        assertThat(r.heap().serverEnd()).as("server heap, %s", r.side()).isPositive();
      }
    });
  }
}
