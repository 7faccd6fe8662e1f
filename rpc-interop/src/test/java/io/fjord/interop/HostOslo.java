package io.fjord.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The oslo peers on this machine's Debian {@code /usr/bin/python3} (bookworm: oslo.messaging
 * 14.0.3), reading the scripts where the build put them. The peers' temporary files (oslo's
 * {@code lock_path}) go under one directory of this runtime, removed by {@link #close()}.
 */
final class HostOslo implements OsloRuntime {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String HINT = " (on Debian: apt-get install -y python3-oslo.messaging; bash .ci/run does this)";

  private final Path scripts = OsloRuntime.scriptsDir();
  private final Path tmp;

  HostOslo() throws IOException {
    tmp = Files.createTempDirectory("fjord-interop-");
  }

  @Override
  public String description() {
    return "oslo.messaging on " + PYTHON;
  }

  @Override
  public void require() throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      throw new IllegalStateException("The oslo interop tests need " + PYTHON + " with oslo.messaging" + HINT);
    }
    OsloRuntime.check(List.of(PYTHON.toString(), "-c", IMPORTS), PYTHON + " cannot import oslo_messaging", HINT);
  }

  @Override
  public ProcessBuilder processBuilder(String script, List<String> args) {
    List<String> command = new ArrayList<>(List.of(OsloRuntime.SETSID, PYTHON.toString(), "-u",
        scripts.resolve(script).toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(scripts.toFile());
    Map<String, String> env = pb.environment();
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.put("PYTHONIOENCODING", "utf-8");
    env.put("TMPDIR", tmp.toString());
    return pb;
  }

  @Override
  public void forgetQueueManagerState(String hostname) throws IOException {
    OsloRuntime.deleteQueueManagerCounters(Path.of("/dev/shm"), hostname);
  }

  @Override
  public void close() throws IOException {
    OsloRuntime.deleteTree(tmp);
  }

  @Override
  public String toString() {
    return description();
  }
}
