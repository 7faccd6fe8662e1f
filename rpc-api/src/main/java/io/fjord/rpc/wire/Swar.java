package io.fjord.rpc.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finding the bytes that need attention in a JSON string's content eight at a time ("SIMD within a register"):
 * a run of ordinary bytes is skipped a word at a time and copied whole, where a loop over every byte cost
 * about half of the CPU of encoding and decoding a 1 MiB request (measured with the benchmark's scale rows).
 */
final class Swar {
  private Swar() {
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';

  /** Whether a byte of {@code word} is zero (exact for "any"). */
  private static long zeroByte(long word) {
    return (word - ONES) & ~word & HIGHS;
  }

  /** Whether a byte of {@code word} is below 0x20, not counting bytes of 0x80 and above (exact for "any"). */
  private static long controlByte(long word) {
    return (word - ONES * 0x20) & ~word & HIGHS;
  }

  /**
   * The index of the first {@code '"'} or {@code '\\'} in {@code b[from..to)}, or, with {@code controls}, of the
   * first of those or of a byte below 0x20 (a control character); {@code to} when there is none.
   */
  static int next(byte[] b, int from, int to, boolean controls) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(b, i);
      long hit = zeroByte(w ^ QUOTES) | zeroByte(w ^ BACKSLASHES) | (controls ? controlByte(w) : 0);
      if (hit != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      byte c = b[i];
      if (c == '"' || c == '\\' || controls && c >= 0 && c < 0x20) {
        return i;
      }
    }
    return to;
  }

  /**
   * Whether every byte of {@code b} is printable ASCII other than {@code '"'} and {@code '\\'}: 0x20 to 0x7e, which
   * JSON writes unescaped and Python's {@code ensure_ascii} too (DEL, 0x7f, it escapes).
   */
  static boolean printable(byte[] b) {
    int n = b.length;
    if (next(b, 0, n, true) != n) {
      return false;
    }
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long w = (long) LONGS.get(b, i);
      // a byte of 0x7f or above: its high bit, or all seven low bits set
      if ((w & HIGHS) != 0 || zeroByte(w ^ (ONES * 0x7f)) != 0) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (b[i] < 0 || b[i] == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code b[0..n)} holds a DEL (0x7f). */
  static boolean hasDel(byte[] b, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if (zeroByte((long) LONGS.get(b, i) ^ (ONES * 0x7f)) != 0) {
        return true;
      }
    }
    for (; i < n; i++) {
      if (b[i] == 0x7f) {
        return true;
      }
    }
    return false;
  }
}
