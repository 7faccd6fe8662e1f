package io.fjord.rpc.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.fjord.rpc.RequestContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Long strings take fast paths (no per-character escaping check when they need no escape; runs copied a word at
 * a time when the envelope is quoted and unquoted): they must write exactly what Python writes and read back
 * exactly what was written, wherever the character that needs an escape sits.
 */
class LongStringWireTest {

  private static final String RUN = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'()*+,-./:;<=>?@[]^_`{|}~";

  private static String longText(int length) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      sb.append(RUN);
    }
    return sb.substring(0, length);
  }

  @Test
  void aLongPrintableStringIsWrittenAsItsBytes() {
    String text = longText(5000);
    assertThat(WireJson.write(TextNode.valueOf(text))).isEqualTo("\"" + text + "\"");
    // on the byte path (the envelope's), where the string's bytes are copied without a check per character
    assertThat(WireJson.writeBytes(TextNode.valueOf(text))).isEqualTo(("\"" + text + "\"").getBytes(StandardCharsets.US_ASCII));
    byte[] body = OsloWire.encode(WireRequest.cast("m", WireJson.MAPPER.valueToTree(Map.of("v", text)), null, null,
        RequestContext.empty()));
    assertThat(new String(body, StandardCharsets.US_ASCII)).contains("{\\\"v\\\": \\\"" + text + "\\\"}");
    assertThat(OsloWire.decodeRequest(body).args().get("v").textValue()).isEqualTo(text);
  }

  @Test
  void everyCharacterThatNeedsAnEscapeIsEscapedAsPythonDoesAtEveryPositionOfALongString() {
    // what json.dumps writes for each (ensure_ascii): the escape, and the character
    Map<String, String> escapes = Map.of("\"", "\\\"", "\\", "\\\\", "\n", "\\n", "\u0001", "\\u0001",
        "\u007f", "\\u007f", "\u00e9", "\\u00e9", "\ud83d\ude00", "\\ud83d\\ude00", "\u2028", "\\u2028");
    String text = longText(700);
    for (Map.Entry<String, String> e : escapes.entrySet()) {
      for (int at : new int[] {0, 1, 7, 8, 9, 511, 512, 699, 700}) {
        String value = text.substring(0, at) + e.getKey() + text.substring(at);
        String expected = "\"" + text.substring(0, at) + e.getValue() + text.substring(at) + "\"";
        assertThat(WireJson.write(TextNode.valueOf(value))).as("%s at %d", e.getValue(), at).isEqualTo(expected);
        // and through the envelope (quoted once more) and back
        WireRequest sent = WireRequest.cast("m", WireJson.MAPPER.valueToTree(Map.of("v", value)), null, null,
            RequestContext.empty());
        byte[] body = OsloWire.encode(sent);
        assertThat(new String(body, StandardCharsets.US_ASCII))
            .as("%s at %d in the envelope", e.getValue(), at)
            .contains(expected.replace("\\", "\\\\").replace("\"", "\\\""));
        assertThat(Envelope.unwrapExact(body)).as("the fast unwrap of %s at %d", e.getValue(), at).isNotNull();
        assertThat(OsloWire.decodeRequest(body).args().get("v").textValue()).isEqualTo(value);
      }
    }
  }

  @Test
  void theWordScanFindsQuotesBackslashesAndControlCharactersAtEveryOffset() {
    for (int length = 0; length < 40; length++) {
      for (int at = 0; at < length; at++) {
        for (byte special : new byte[] {'"', '\\', 0x00, 0x1f}) {
          byte[] b = longText(length).getBytes(StandardCharsets.US_ASCII);
          b[at] = special;
          boolean control = special != '"' && special != '\\';
          assertThat(Swar.next(b, 0, length, true)).as("%d in %d", at, length).isEqualTo(at);
          assertThat(Swar.next(b, 0, length, false)).isEqualTo(control ? length : at);
          assertThat(Swar.printable(b)).isFalse();
        }
        byte[] b = longText(length).getBytes(StandardCharsets.US_ASCII);
        b[at] = 0x7f;
        assertThat(Swar.hasDel(b, length)).isTrue();
        assertThat(Swar.printable(b)).isFalse();
        b[at] = (byte) 0xc3;
        assertThat(Swar.next(b, 0, length, true)).isEqualTo(length);
        assertThat(Swar.printable(b)).isFalse();
      }
      assertThat(Swar.printable(longText(length).getBytes(StandardCharsets.US_ASCII))).isTrue();
    }
  }
}
