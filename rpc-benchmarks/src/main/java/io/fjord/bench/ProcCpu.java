package io.fjord.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** CPU time of other processes (the server JVM, the broker) from Linux's /proc. */
final class ProcCpu {
  private ProcCpu() {
  }

  /** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on Linux. */
  private static final long TICKS = 100;

  /** User plus system CPU time of {@code pid} in nanoseconds, or -1 when it cannot be read. */
  static long nanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after the command: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / TICKS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The pid of the Erlang VM listening on TCP {@code port} on this machine (the broker), or -1. */
  static long brokerListeningOn(int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    List<String> inodes = new ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
            inodes.add("socket:[" + f[9] + "]");
          }
        }
      } catch (IOException e) {
        // not Linux, or no IPv6
      }
    }
    if (inodes.isEmpty()) {
      return -1;
    }
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("beam.smp")).orElse(false))
        .filter(p -> {
          try (var fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
            return fds.anyMatch(fd -> {
              try {
                return inodes.contains(Files.readSymbolicLink(fd).toString());
              } catch (IOException e) {
                return false;
              }
            });
          } catch (IOException e) {
            return false;
          }
        })
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }
}
