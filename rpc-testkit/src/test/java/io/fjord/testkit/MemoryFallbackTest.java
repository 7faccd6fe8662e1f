package io.fjord.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.rpc.Target;
import io.fjord.rpc.client.RpcClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A test that allows memory:// runs with or without a broker; the kit works the same on both. */
@FjordTest(allowMemory = true)
class MemoryFallbackTest {
  public static final class Echo {
    public String echo(String text) {
      return text;
    }
  }

  @Test
  void callsWorkOnWhateverTransportWasFound(FjordKit kit) {
    String topic = kit.topic("echo");
    CallRecorder calls = new CallRecorder();
    kit.startServer(topic, "s1", calls, new Echo());

    String reply = RpcClient.builder(kit.transport(), Target.topic(topic)).timeout(Duration.ofSeconds(10)).build()
        .call(null, "echo", Map.of("text", "hi"), String.class);

    assertThat(reply).isEqualTo("hi");
    assertThat(calls.calls()).extracting(CallRecorder.ReceivedCall::method).containsExactly("echo");
  }
}
