package io.fjord.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example also works without a broker, on the memory:// transport it falls back to. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesOnMemoryTest {

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of("Demo", (Example) Demo::run),
        Arguments.of("HelloWorld", (Example) HelloWorld::run),
        Arguments.of("WorkQueue", (Example) WorkQueue::run),
        Arguments.of("Broadcast", (Example) Broadcast::run),
        Arguments.of("DirectCall", (Example) DirectCall::run),
        Arguments.of("TopicPatterns", (Example) TopicPatterns::run),
        Arguments.of("VersionedApi", (Example) VersionedApi::run),
        Arguments.of("LifecycleNotifications", (Example) LifecycleNotifications::run),
        Arguments.of("Errors", (Example) Errors::run),
        Arguments.of("VirtualHosts", (Example) VirtualHosts::run));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleBehavesAsShownOnMemory(String name, Example example) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    boolean ok = example.run("memory://", Brokers.newId(), out);

    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(output).isTrue();
    assertThat(output).contains("OK: ").doesNotContain("FAILED");
  }
}
