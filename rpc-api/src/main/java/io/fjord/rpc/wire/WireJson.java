package io.fjord.rpc.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * JSON exactly as Python's {@code json.dumps} writes it with its defaults, so Fjord's bytes match
 * oslo's: separators {@code ", "} and {@code ": "}, {@code ensure_ascii} (every non-ASCII UTF-16 unit
 * as a lower-case {@code \}{@code uXXXX}), control characters as Python escapes them, and the bare
 * tokens {@code NaN}, {@code Infinity} and {@code -Infinity} read and written as Python does. Thread-safe.
 */
public final class WireJson {
  private WireJson() {
  }

  /**
   * Python's json module writes and reads NaN, Infinity and -Infinity as bare tokens
   * ({@code allow_nan=True} is the default of {@code json.dumps}), so oslo peers put them on the
   * wire: a strict parser would reject the whole message and leave the caller to time out.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      // Jackson's default 20M-char string limit would reject a big request before the server's own
      // maxMessageSize could answer it; the broker's message size limit bounds strings instead
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE).build())
      .build();
  /**
   * Mapper for wire trees. Numbers decode as Python's do: int, long or BigInteger by size, floats as
   * double (Python's float is a double).
   */
  public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  /** The node factory for building wire documents. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  private static final class PythonPrinter extends MinimalPrettyPrinter {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }

  private static final class PythonEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final int[] ASCII = standardAsciiEscapesForJSON();
    private static final SerializableString[] CONTROL = new SerializableString[32];

    static {
      for (int c = 0; c < 32; c++) {
        String named = switch (c) {
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          default -> String.format("\\u%04x", c);
        };
        CONTROL[c] = new SerializedString(named);
        ASCII[c] = ESCAPE_CUSTOM;
      }
      // ensure_ascii escapes everything outside ' '..'~', DEL included
      ASCII[0x7f] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 32) {
        return CONTROL[ch];
      }
      if (ch < 0x7f) {
        return null;
      }
      return new SerializedString(String.format("\\u%04x", ch));
    }
  }

  private static final PythonEscapes ESCAPES = new PythonEscapes();

  /** Strings at least this long are checked for the no-escape fast path of {@link #python}. */
  private static final int LONG_STRING = 512;

  /**
   * {@code g}, writing finite floats as Python's {@code repr} does ({@link #pythonRepr}), and long strings that need
   * no escape as their bytes.
   */
  private static JsonGenerator python(JsonGenerator g) {
    return new com.fasterxml.jackson.core.util.JsonGeneratorDelegate(g, false) {
      @Override
      public void writeNumber(double v) throws IOException {
        if (Double.isFinite(v)) {
          writeRawValue(pythonRepr(v));
        } else {
          super.writeNumber(v);
        }
      }

      @Override
      public void writeNumber(float v) throws IOException {
        writeNumber((double) v);
      }

      @Override
      public void writeString(String text) throws IOException {
        if (text != null && text.length() >= LONG_STRING
            && delegate() instanceof com.fasterxml.jackson.core.json.UTF8JsonGenerator) {
          // a long string of printable ASCII without a quote or backslash needs no escape: its bytes go as they are
          // (Python's json writes the same), a copy instead of Jackson's character-by-character escaping check
          byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          if (utf8.length == text.length() && Swar.printable(utf8)) {
            writeRawUTF8String(utf8, 0, utf8.length);
            return;
          }
        }
        super.writeString(text);
      }
    };
  }

  /**
   * A finite double as Python's {@code repr} (and so {@code json.dumps}) writes it: the shortest digits that
   * read back as the same double, positional from 1e-4 up to 1e16 ({@code 0.0001}, {@code 10000000.0},
   * {@code 1000000000000000.0}), else scientific with a signed two-digit exponent ({@code 1e-05},
   * {@code 1.5e+16}). Java's {@code Double.toString} writes {@code 1.0E-5} and {@code 1.0E7} instead, and on
   * Java 17 not always the shortest digits.
   */
  static String pythonRepr(double v) {
    if (v == 0) {
      return 1 / v < 0 ? "-0.0" : "0.0";
    }
    // shortest digits (Schubfach), in Java's layout: "d.dddE-n" or "ddd.ddd"
    String s = com.fasterxml.jackson.core.io.NumberOutput.toString(Math.abs(v), true);
    int e = s.indexOf('E');
    int exp10 = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
    String mantissa = e < 0 ? s : s.substring(0, e);
    int dot = mantissa.indexOf('.');
    String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
    int decpt = dot + exp10; // v = 0.<digits> x 10^decpt
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
      lead++;
      decpt--;
    }
    int end = digits.length();
    while (end > lead + 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    digits = digits.substring(lead, end);
    if (digits.length() == 2) {
      // Java's layout keeps a digit after the point ("4.9E-324"); Python's shortest may have one ("5e-324")
      String one = oneDigit(Math.abs(v), digits, decpt);
      if (one != null) {
        decpt += one.length() - 1; // "10" when rounding 9x up
        digits = one.substring(0, 1);
      }
    }
    StringBuilder out = new StringBuilder(24);
    if (v < 0) {
      out.append('-');
    }
    int n = digits.length();
    if (decpt <= -4 || decpt > 16) {
      out.append(digits.charAt(0));
      if (n > 1) {
        out.append('.').append(digits, 1, n);
      }
      int exp = decpt - 1;
      out.append(exp < 0 ? "e-" : "e+");
      int a = Math.abs(exp);
      if (a < 10) {
        out.append('0');
      }
      out.append(a);
    } else if (decpt <= 0) {
      out.append("0.");
      for (int i = decpt; i < 0; i++) {
        out.append('0');
      }
      out.append(digits);
    } else if (decpt >= n) {
      out.append(digits);
      for (int i = n; i < decpt; i++) {
        out.append('0');
      }
      out.append(".0");
    } else {
      out.append(digits, 0, decpt).append('.').append(digits, decpt, n);
    }
    return out.toString();
  }

  /** A one-digit form of {@code 0.<digits> x 10^decpt} that reads back as {@code v} (nearest first), else null. */
  private static String oneDigit(double v, String digits, int decpt) {
    int d = digits.charAt(0) - '0';
    int[] tries = digits.charAt(1) >= '5' ? new int[] {d + 1, d} : new int[] {d, d + 1};
    for (int c : tries) {
      String text = c == 10 ? "0.1E" + (decpt + 1) : "0." + c + "E" + decpt;
      if (c > 0 && Double.parseDouble(text) == v) {
        return Integer.toString(c);
      }
    }
    return null;
  }

  private static final PythonPrinter PRINTER = new PythonPrinter();

  /**
   * The fast path: Jackson's own escaping with ESCAPE_NON_ASCII and lower-case hex already writes
   * what ensure_ascii writes, except for DEL (0x7f), which Python escapes and Jackson does not.
   */
  private static final JsonFactory FAST = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
      .disable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_HEX_UPPER_CASE)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  /** Writes {@code node} as Python's {@code json.dumps(node)} would. */
  public static String write(JsonNode node) {
    String fast = write(node, FAST, null);
    // rare: a DEL char went out raw; redo with escapes that know it
    return fast.indexOf('\u007f') < 0 ? fast : write(node, FACTORY, ESCAPES);
  }

  private static String write(JsonNode node, JsonFactory factory, CharacterEscapes escapes) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = python(factory.createGenerator(out))) {
      g.setPrettyPrinter(PRINTER);
      if (escapes != null) {
        g.setCharacterEscapes(escapes);
      }
      MAPPER.writeTree(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A growable byte buffer, one per thread, that the serializer writes into and that is reused. */
  private static final class Buffer extends java.io.OutputStream {
    private static final int KEEP = 64 * 1024;
    byte[] bytes = new byte[1024];
    int count;
    boolean inUse;

    @Override
    public void write(int b) {
      ensure(1);
      bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, count, len);
      count += len;
    }

    private void ensure(int more) {
      if (count + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
      }
    }

    /** Empties the buffer, letting go of an unusually large array. */
    void reset() {
      count = 0;
      inUse = false;
      if (bytes.length > KEEP) {
        bytes = new byte[1024];
      }
    }
  }

  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  /** This thread's buffer, or a new one when it is busy (a serializer that serializes a wire tree itself). */
  private static Buffer buffer() {
    Buffer b = BUFFERS.get();
    if (b.inUse) {
      b = new Buffer();
    }
    b.inUse = true;
    return b;
  }

  /** Serializes {@code node} with the fast factory into this thread's buffer; false when a DEL char went out raw. */
  private static boolean serialize(JsonNode node, Buffer buffer) {
    buffer.count = 0;
    try (JsonGenerator g = python(FAST.createGenerator(buffer))) {
      g.setPrettyPrinter(PRINTER);
      MAPPER.writeTree(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return !Swar.hasDel(buffer.bytes, buffer.count);
  }

  /** {@link #write} as bytes: pure printable ASCII, as every other char is escaped. */
  public static byte[] writeBytes(JsonNode node) {
    Buffer buffer = buffer();
    try {
      return serialize(node, buffer) ? java.util.Arrays.copyOf(buffer.bytes, buffer.count)
          : write(node).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    } finally {
      buffer.reset();
    }
  }

  /**
   * {@code prefix}, {@link #writeBytes} of {@code node} quoted as the content of a JSON string (a
   * backslash before every quote and backslash, the only characters of printable ASCII JSON that need
   * one), then {@code suffix}: oslo's envelope in one pass over the serializer's buffer.
   */
  static byte[] writeQuoted(JsonNode node, byte[] prefix, byte[] suffix) {
    Buffer buffer = buffer();
    try {
      byte[] in;
      int n;
      if (serialize(node, buffer)) {
        in = buffer.bytes;
        n = buffer.count;
      } else {
        in = write(node).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        n = in.length;
      }
      int quotes = 0;
      for (int i = Swar.next(in, 0, n, false); i < n; i = Swar.next(in, i + 1, n, false)) {
        quotes++;
      }
      byte[] out = new byte[prefix.length + n + quotes + suffix.length];
      System.arraycopy(prefix, 0, out, 0, prefix.length);
      int o = prefix.length;
      // copy the runs between quotes and backslashes whole, a backslash before each of those
      int from = 0;
      for (int i = Swar.next(in, 0, n, false); i < n; i = Swar.next(in, i + 1, n, false)) {
        System.arraycopy(in, from, out, o, i - from);
        o += i - from;
        out[o++] = '\\';
        out[o++] = in[i];
        from = i + 1;
      }
      System.arraycopy(in, from, out, o, n - from);
      o += n - from;
      System.arraycopy(suffix, 0, out, o, suffix.length);
      return out;
    } finally {
      buffer.reset();
    }
  }

  /** Parses JSON text; throws {@link IllegalArgumentException} with the parser's reason. */
  public static JsonNode read(byte[] json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("empty body");
      }
      return node;
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("not JSON: " + why, e);
    }
  }

  /** Parses JSON text; throws {@link IllegalArgumentException} with the parser's reason. */
  public static JsonNode read(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("empty JSON");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  /** A JSON tree as plain Java values (String, Number, Boolean, null, List, Map). */
  public static Object plain(JsonNode node) {
    return MAPPER.convertValue(node, Object.class);
  }
}
