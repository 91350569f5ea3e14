package dev.ganglion.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static Object parse(String s) throws Json.JsonException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Json.parse(b, 0, b.length);
    }

    @Test
    void parsesObjectsArraysStringsAndIntegersKeepingKeyOrder() throws Exception {
        Object v = parse(" {\"z\":[1,-2,0,9223372036854775807,-9223372036854775808],\"a\":{},\"m\":[],\"s\":\"x\"} ");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("z", "a", "m", "s");
        assertThat(m.get("z")).isEqualTo(List.of(1L, -2L, 0L, Long.MAX_VALUE, Long.MIN_VALUE));
        assertThat(m.get("s")).isEqualTo("x");
    }

    @Test
    void decodesEveryEscapeAndSurrogatePairs() throws Exception {
        assertThat(parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u00E9\\ud835\\udf0b\"")).isEqualTo("\"\\/\b\f\n\r\té\u00e9𝜋");
        assertThat(parse("\"ünï 𝜋\"")).isEqualTo("ünï 𝜋");
    }

    @Test
    void writerEscapesLikeSerdeJsonAndRoundTrips() throws Exception {
        String s = "q\"b\\ \n\t\r\b\f\u0001\u001f\u007f é 𝜋 \u2028 /";
        StringBuilder sb = new StringBuilder();
        Json.appendString(sb, s);
        assertThat(sb.toString()).isEqualTo("\"q\\\"b\\\\ \\n\\t\\r\\b\\f\\u0001\\u001f\u007f é 𝜋 \u2028 /\"");
        assertThat(parse(sb.toString())).isEqualTo(s);
    }

    @Test
    void errorsCarryTheBytePosition() {
        // bytes: { " é(2) " : 1 , " → the second key starts at byte 8 (é is two bytes)
        // the second key starts at byte 8: é takes two bytes
        assertThatThrownBy(() -> parse("{\"é\":1,\"é\":2}")).isInstanceOf(Json.JsonException.class)
                .hasMessageContaining("duplicate key \"é\"")
                .satisfies(e -> assertThat(((Json.JsonException) e).position).isEqualTo(8));
        assertThatThrownBy(() -> parse("[1,]")).hasMessageContaining("unsupported JSON token starting with ']'");
        assertThatThrownBy(() -> parse("-")).hasMessageContaining("'-' not followed by a digit");
        assertThatThrownBy(() -> parse("\"abc")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> parse("\"\\u12G4\"")).hasMessageContaining("invalid hex digit");
        assertThatThrownBy(() -> parse("\"\\u12")).hasMessageContaining("truncated \\u escape");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("unexpected end of JSON");
    }

    @Test
    void anObjectOfMillionsOfMembersIsStoppedWhileRead() {
        // a 99 MB safetensors metadata of 8.3M keys had filled the heap before the key limit was checked
        StringBuilder sb = new StringBuilder("{\"m\":{");
        for (int i = 0; i <= Json.MAX_MEMBERS; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":1");
        }
        String text = sb.append("}}").toString();
        assertThatThrownBy(() -> parse(text)).isInstanceOf(Json.JsonException.class)
                .hasMessageContaining("JSON object with more than " + Json.MAX_MEMBERS + " members");
    }
}
