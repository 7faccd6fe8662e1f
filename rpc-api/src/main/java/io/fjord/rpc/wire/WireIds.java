package io.fjord.rpc.wire;

import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers in oslo's formats. Thread-safe. */
public final class WireIds {
  private WireIds() {
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * A random version-4 UUID as 32 lower-case hex digits, like Python's {@code uuid4().hex}
   * ({@code _msg_id}, {@code _unique_id}, queue suffixes). Not for secrets: uses ThreadLocalRandom,
   * which does not contend across threads as SecureRandom does.
   */
  public static String hex() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xF];
      out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xF];
    }
    return new String(out);
  }

  /** A random UUID in the dashed 36-character form, like Python's {@code str(uuid4())}. */
  public static String dashed() {
    String h = hex();
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
        + "-" + h.substring(20);
  }
}
