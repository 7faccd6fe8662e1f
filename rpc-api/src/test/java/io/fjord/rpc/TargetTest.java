package io.fjord.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetTest {

  @Test
  void topicTargetHasOnlyATopic() {
    Target t = Target.topic("compute");

    assertThat(t.topic()).isEqualTo("compute");
    assertThat(t.exchange()).isNull();
    assertThat(t.server()).isNull();
    assertThat(t.namespace()).isNull();
    assertThat(t.version()).isNull();
    assertThat(t.fanout()).isFalse();
    assertThat(t).hasToString("Target{topic=compute}");
  }

  @Test
  void withMethodsReturnCopiesAndLeaveTheOriginalUnchanged() {
    Target base = Target.topic("compute");

    Target full = base.withExchange("nova").withServer("host-1").withNamespace("ns").withVersion("1.3")
        .withFanout(true).withTopic("scheduler");

    assertThat(base).isEqualTo(Target.topic("compute")).hasToString("Target{topic=compute}");
    assertThat(full.exchange()).isEqualTo("nova");
    assertThat(full.topic()).isEqualTo("scheduler");
    assertThat(full.server()).isEqualTo("host-1");
    assertThat(full.namespace()).isEqualTo("ns");
    assertThat(full.version()).isEqualTo("1.3");
    assertThat(full.fanout()).isTrue();
    assertThat(full).hasToString("Target{exchange=nova, topic=scheduler, server=host-1, namespace=ns, version=1.3, "
        + "fanout=true}");
  }

  @Test
  void withNullClearsASetting() {
    Target t = Target.topic("compute").withServer("host-1").withVersion("1.0");

    assertThat(t.withServer(null).server()).isNull();
    assertThat(t.withVersion(null).version()).isNull();
    assertThat(t.withServer(null)).isEqualTo(Target.topic("compute").withVersion("1.0"));
  }

  @Test
  void equalTargetsAreEqual() {
    Target a = Target.topic("t").withServer("s").withVersion("1.2");
    Target b = Target.empty().withTopic("t").withServer("s").withVersion("1.2");

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(b.withFanout(true));
    assertThat(a).isNotEqualTo(b.withNamespace("ns"));
  }

  @Test
  void emptyTargetPrintsEmptyBraces() {
    assertThat(Target.empty()).hasToString("Target{}");
  }

  @Test
  void invalidVersionIsRejected() {
    assertThatThrownBy(() -> Target.topic("t").withVersion("1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid version '1': expected MAJOR.MINOR or MAJOR.MINOR.REVISION");
    assertThatThrownBy(() -> Target.topic("t").withVersion("1.x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid version '1.x': parts must be non-negative integers");
  }

  @Test
  void blankNamesAreRejected() {
    assertThatThrownBy(() -> Target.topic(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topic must not be blank");
    assertThatThrownBy(() -> Target.topic("t").withServer("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("server must not be blank");
    assertThatThrownBy(() -> Target.topic("t").withExchange("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exchange must not be blank");
    assertThatThrownBy(() -> Target.topic(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void requireCallableAcceptsATopic() {
    Target t = Target.topic("t").withServer("s");

    assertThat(t.requireCallable("m")).isSameAs(t);
  }

  @Test
  void requireCallableRejectsATargetWithoutTopic() {
    Target t = Target.empty().withServer("s");

    assertThatThrownBy(() -> t.requireCallable("get"))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage("A call needs a topic: cannot call 'get' on Target{server=s}")
        .satisfies(e -> assertThat(((InvalidTargetException) e).target()).isEqualTo(t));
  }

  @Test
  void requireCallableRejectsAFanoutTarget() {
    Target t = Target.topic("t").withFanout(true);

    assertThatThrownBy(() -> t.requireCallable("get"))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage("A call cannot go to a fanout target (use cast): cannot call 'get' on Target{topic=t, fanout=true}");
  }

  @Test
  void requireCastableAcceptsFanoutAndRejectsNoTopic() {
    Target fanout = Target.topic("t").withFanout(true);

    assertThat(fanout.requireCastable("m")).isSameAs(fanout);
    assertThatThrownBy(() -> Target.empty().requireCastable("refresh"))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage("A cast needs a topic: cannot cast 'refresh' to Target{}");
  }

  @Test
  void requireListenableNeedsTopicAndServer() {
    Target ok = Target.topic("t").withServer("s");

    assertThat(ok.requireListenable()).isSameAs(ok);
    assertThatThrownBy(() -> Target.topic("t").requireListenable())
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage("An RPC server needs a target with a topic and a server, got Target{topic=t} "
            + "(hint: Target.topic(\"t\").withServer(\"host-1\"))");
    assertThatThrownBy(() -> Target.empty().withServer("s").requireListenable())
        .isInstanceOf(InvalidTargetException.class)
        .hasMessageStartingWith("An RPC server needs a target with a topic and a server, got Target{server=s}");
  }
}
