package io.fjord.testbroker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the tests run the project's {@code .ci/rabbitmq4} script and report its failures. */
class Rabbit4ChrootTest {

  private static Path script(Path project, String body) throws Exception {
    Path script = project.resolve(".ci").resolve("rabbitmq4");
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/usr/bin/env bash\n" + body + "\n");
    return script;
  }

  @Test
  void aFailingScriptIsReportedWithTheTailOfItsLog(@TempDir Path project) throws Exception {
    Path script = script(project, "for i in $(seq 1 30); do echo \"line $i of $1\"; done; exit 3");

    String failure = Rabbit4Chroot.run(script, Duration.ofSeconds(30), project.resolve("start.log"));

    assertThat(failure).contains("bash " + script + " start failed (exit 3)").contains("line 30 of start")
        .contains("line 11 of start").doesNotContain("line 10 of start");
  }

  @Test
  void aScriptThatHangsIsStoppedAtTheTimeout(@TempDir Path project) throws Exception {
    Path script = script(project, "echo building; exec sleep 60");

    long start = System.nanoTime();
    String failure = Rabbit4Chroot.run(script, Duration.ofMillis(500), project.resolve("start.log"));

    assertThat(failure).contains("did not finish within 0 s").contains("building");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aSucceedingScriptRunsInItsProject(@TempDir Path project) throws Exception {
    Path script = script(project, "[ -f .ci/rabbitmq4 ] && [ \"$1\" = start ]");

    assertThat(Rabbit4Chroot.run(script, Duration.ofSeconds(30), project.resolve("start.log"))).isNull();
  }

  @Test
  void theProjectsScriptIsFoundFromAModuleDirectory() {
    assertThat(Rabbit4Chroot.script()).as("from %s", System.getProperty("user.dir")).isNotNull()
        .satisfies(p -> assertThat(p.toString()).endsWith(".ci/rabbitmq4"));
  }
}
