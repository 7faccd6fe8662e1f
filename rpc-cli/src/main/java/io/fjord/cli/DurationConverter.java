package io.fjord.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a positive duration as people type it: {@code 5s}, {@code 500ms}, {@code 1.5s}, {@code 2m},
 * {@code 1h}, a bare number of seconds ({@code 10}), or ISO-8601 ({@code PT5S}). Stateless.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  @Override
  public Duration convert(String text) {
    Duration d = parse(text.trim().toLowerCase(Locale.ROOT));
    if (d == null) {
      throw new TypeConversionException("'" + text + "' is not a duration (e.g. 5s, 500ms, 1.5s, 2m, 10)");
    }
    if (d.isZero() || d.isNegative()) {
      throw new TypeConversionException("'" + text + "' must be a positive duration");
    }
    return d;
  }

  private static Duration parse(String text) {
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      BigDecimal amount = new BigDecimal(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      BigDecimal nanosPerUnit = BigDecimal.valueOf(switch (unit) {
        case "ms" -> 1_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 1_000_000_000L;
      });
      return Duration.ofNanos(amount.multiply(nanosPerUnit).longValue());
    }
    try {
      return Duration.parse(text.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
