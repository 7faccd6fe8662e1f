package io.fjord.rpc;

import java.util.Objects;

/**
 * An RPC interface version {@code major.minor[.revision]}, compared as oslo's
 * {@code version_is_compatible}: same major, requested minor not above the implemented minor, and
 * at equal minors requested revision not above the implemented one.
 *
 * <p>Immutable and thread-safe. A one-part version such as {@code "1"} is rejected: oslo servers fail
 * on it with an IndexError.
 */
public record Version(int major, int minor, int revision) implements Comparable<Version> {

  /** The version a message without a {@code version} key asks for. */
  public static final Version DEFAULT = new Version(1, 0, 0);

  public Version {
    if (major < 0 || minor < 0 || revision < 0) {
      throw new IllegalArgumentException("version parts must not be negative: " + major + "." + minor + "." + revision);
    }
  }

  /**
   * Parses {@code "X.Y"} or {@code "X.Y.Z"}.
   *
   * @throws IllegalArgumentException naming the input when it is not such a string
   */
  public static Version parse(String text) {
    Objects.requireNonNull(text, "version");
    String[] parts = text.split("\\.", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException("Invalid version '" + text + "': expected MAJOR.MINOR or MAJOR.MINOR.REVISION");
    }
    try {
      return new Version(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
          parts.length == 3 ? Integer.parseInt(parts[2]) : 0);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid version '" + text + "': parts must be non-negative integers");
    }
  }

  /** True when an endpoint implementing {@code this} can serve a request for {@code requested}. */
  public boolean canServe(Version requested) {
    if (major != requested.major) {
      return false;
    }
    if (requested.minor != minor) {
      return requested.minor < minor;
    }
    return requested.revision <= revision;
  }

  /** String form of {@link #canServe(Version)}; false when {@code requested} does not parse. */
  public static boolean isCompatible(String implemented, String requested) {
    try {
      return parse(implemented).canServe(parse(requested));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public int compareTo(Version o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(revision, o.revision);
  }

  @Override
  public String toString() {
    return revision == 0 ? major + "." + minor : major + "." + minor + "." + revision;
  }
}
