package io.fjord.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** oslo's version_is_compatible, docs/wire-format.md §3.6. */
class VersionTest {

  @ParameterizedTest(name = "{1} against {0}: {2}")
  @CsvSource({
      // implemented, requested, compatible
      "1.3,   1.2,   true",
      "1.3,   1.3.0, true",
      "1.3,   1.3,   true",
      "1.3,   1.0,   true",
      "1.3,   1.4,   false",
      "2.1,   2.0,   true",
      "1.3,   3.0,   false",
      "1.3,   2.0,   false",
      "2.0,   1.0,   false",
      "1.3.2, 1.3.1, true",
      "1.3.2, 1.3.2, true",
      "1.3.2, 1.3.3, false",
      "1.3,   1.3.1, false",
      "1.4,   1.3.9, true",
      "2.0,   2.0.0, true",
      "2.0,   2.0.1, false",
      "1.3,   1,     false",
      "1.3,   x.y,   false",
  })
  void compatibilityFollowsOslo(String implemented, String requested, boolean compatible) {
    assertThat(Version.isCompatible(implemented, requested)).isEqualTo(compatible);
  }

  @Test
  void parseReadsTwoAndThreePartVersions() {
    assertThat(Version.parse("1.2")).isEqualTo(new Version(1, 2, 0));
    assertThat(Version.parse("1.3.4")).isEqualTo(new Version(1, 3, 4));
    assertThat(Version.parse("10.20")).isEqualTo(new Version(10, 20, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "", "1.2.3.4", "a.b", "1.", ".1", "1..2"})
  void parseRejectsMalformedVersions(String text) {
    assertThatThrownBy(() -> Version.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid version '" + text + "'");
  }

  @Test
  void onePartVersionMessageSaysWhatIsExpected() {
    assertThatThrownBy(() -> Version.parse("1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid version '1': expected MAJOR.MINOR or MAJOR.MINOR.REVISION");
  }

  @Test
  void negativePartsAreRejected() {
    assertThatThrownBy(() -> new Version(1, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Version.parse("-1.0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void canServeIsTheTypedForm() {
    Version implemented = Version.parse("1.3");

    assertThat(implemented.canServe(Version.parse("1.2"))).isTrue();
    assertThat(implemented.canServe(Version.parse("1.4"))).isFalse();
    assertThat(implemented.canServe(Version.DEFAULT)).isTrue();
  }

  @Test
  void defaultIsOnePointZero() {
    assertThat(Version.DEFAULT).isEqualTo(Version.parse("1.0")).hasToString("1.0");
  }

  @Test
  void toStringOmitsAZeroRevision() {
    assertThat(Version.parse("1.3.0")).hasToString("1.3");
    assertThat(Version.parse("1.3.2")).hasToString("1.3.2");
  }

  @Test
  void versionsOrderByMajorMinorRevision() {
    assertThat(Version.parse("1.10")).isGreaterThan(Version.parse("1.9"));
    assertThat(Version.parse("2.0")).isGreaterThan(Version.parse("1.99.99"));
    assertThat(Version.parse("1.3.1")).isGreaterThan(Version.parse("1.3"));
    assertThat(Version.parse("1.3.0")).isEqualByComparingTo(Version.parse("1.3"));
  }
}
