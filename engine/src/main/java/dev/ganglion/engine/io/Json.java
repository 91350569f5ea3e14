package dev.ganglion.engine.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict JSON subset a safetensors header needs: objects, arrays, strings (every escape,
 * {@code \}{@code uXXXX} with surrogate pairs) and integers that fit a {@code long}.
 *
 * <p>Parsed values are {@code LinkedHashMap<String,Object>} (key order kept), {@code List<Object>},
 * {@code String} and {@code Long}. Everything else — fractions, exponents, {@code true}, {@code false},
 * {@code null}, duplicate keys, invalid UTF-8, raw control characters, trailing text, nesting deeper
 * than {@link #MAX_DEPTH} — is rejected with a {@link JsonException} carrying the byte position.
 * Parsing works on the UTF-8 bytes so positions are byte offsets, not char offsets.
 */
final class Json {
    /** Deepest nesting accepted; a header needs 3 (root, entry, shape array). */
    static final int MAX_DEPTH = 16;
    /** Longest array accepted; a header's arrays are shapes and offset pairs. */
    static final int MAX_ARRAY = 1024;
    /**
     * Members of an object parsed into a map (not the streamed top level): above the 65,536 metadata
     * keys a safetensors header may hold, so that its own limit names them, while a header of millions
     * of keys is stopped as it is read instead of filling the heap.
     */
    static final int MAX_MEMBERS = 1 << 17;

    private final byte[] buf;
    private final int end;
    private int pos;
    private int depth;

    private Json(byte[] buf, int from, int to) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    /** A syntax error at byte {@code position} of the parsed buffer. */
    static final class JsonException extends Exception {
        final int position;

        JsonException(String message, int position) {
            super(message);
            this.position = position;
        }
    }

    /** Receives the members of a top-level object one at a time, in file order. */
    @FunctionalInterface
    interface MemberHandler<E extends Exception> {
        /** {@code keyPosition} is the byte position of the key's opening quote. */
        void member(String key, Object value, int keyPosition) throws E;
    }

    /** Parses exactly one value spanning {@code buf[from, to)}, surrounding whitespace allowed. */
    static Object parse(byte[] buf, int from, int to) throws JsonException {
        Json p = new Json(buf, from, to);
        p.skipWhitespace();
        Object v = p.value();
        p.finish();
        return v;
    }

    /**
     * Parses a top-level object spanning {@code buf[from, to)}, handing each member to {@code h} as
     * soon as it is parsed instead of building the whole tree: the caller keeps a compact form, so
     * a large header never exists as boxed maps all at once. Duplicate top-level keys are the
     * handler's to detect.
     */
    static <E extends Exception> void parseObject(byte[] buf, int from, int to, MemberHandler<E> h)
            throws JsonException, E {
        Json p = new Json(buf, from, to);
        p.skipWhitespace();
        if (p.pos >= p.end || p.buf[p.pos] != '{') {
            throw new JsonException("the JSON value is not an object", p.pos);
        }
        p.object(h);
        p.finish();
    }

    private void finish() throws JsonException {
        skipWhitespace();
        if (pos != end) {
            throw new JsonException("unexpected text after the JSON value", pos);
        }
    }

    private Object value() throws JsonException {
        if (pos >= end) {
            throw new JsonException("unexpected end of JSON", pos);
        }
        byte c = buf[pos];
        return switch (c) {
            case '{' -> object(null);
            case '[' -> array();
            case '"' -> string();
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield integer();
                }
                throw new JsonException("unsupported JSON token starting with '" + printable(c)
                        + "' (only objects, arrays, strings and integers are allowed)", pos);
            }
        };
    }

    /** An object; with a handler its members go to the handler and the returned map stays empty. */
    private <E extends Exception> Map<String, Object> object(MemberHandler<E> handler) throws JsonException, E {
        enter();
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipWhitespace();
            int keyAt = pos;
            if (peek() != '"') {
                throw new JsonException("expected a string key", pos);
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value();
            if (handler != null) {
                handler.member(key, v, keyAt);
            } else if (out.putIfAbsent(key, v) != null) {
                throw new JsonException("duplicate key \"" + key + "\"", keyAt);
            } else if (out.size() > MAX_MEMBERS) {
                throw new JsonException("JSON object with more than " + MAX_MEMBERS + " members", keyAt);
            }
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                depth--;
                return out;
            }
        }
    }

    private List<Object> array() throws JsonException {
        enter();
        pos++;
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (out.size() == MAX_ARRAY) {
                throw new JsonException("JSON array longer than " + MAX_ARRAY + " elements", pos);
            }
            out.add(value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                depth--;
                return out;
            }
        }
    }

    private Long integer() throws JsonException {
        int start = pos;
        boolean negative = buf[pos] == '-';
        if (negative) {
            pos++;
        }
        int digitsAt = pos;
        while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
            pos++;
        }
        if (pos == digitsAt) {
            throw new JsonException("'-' not followed by a digit", start);
        }
        if (buf[digitsAt] == '0' && pos - digitsAt > 1) {
            throw new JsonException("integer with a leading zero", start);
        }
        if (pos < end && (buf[pos] == '.' || buf[pos] == 'e' || buf[pos] == 'E')) {
            throw new JsonException("non-integer number (only integers are allowed)", start);
        }
        String text = new String(buf, start, pos - start, StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new JsonException("integer " + text + " does not fit in 64 bits", start);
        }
    }

    private String string() throws JsonException {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        int runStart = pos;
        while (true) {
            if (pos >= end) {
                throw new JsonException("unterminated string", start);
            }
            byte c = buf[pos];
            if (c == '"' || c == '\\') {
                appendUtf8(sb, runStart, pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                escape(sb);
                runStart = pos;
            } else if ((c & 0xFF) < 0x20) {
                throw new JsonException("raw control character 0x" + Integer.toHexString(c) + " in string", pos);
            } else {
                pos++;
            }
        }
    }

    private void escape(StringBuilder sb) throws JsonException {
        int at = pos;
        if (pos + 1 >= end) {
            throw new JsonException("unterminated escape", at);
        }
        byte e = buf[pos + 1];
        pos += 2;
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> sb.append(hex4(at));
            default -> throw new JsonException("invalid escape '\\" + printable(e) + "'", at);
        }
    }

    private char hex4(int escapeAt) throws JsonException {
        if (pos + 4 > end) {
            throw new JsonException("truncated \\u escape", escapeAt);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(buf[pos + i], 16);
            if (d < 0) {
                throw new JsonException("invalid hex digit in \\u escape", escapeAt);
            }
            v = v * 16 + d;
        }
        pos += 4;
        // NOTE: a lone surrogate is kept as is (JSON allows it); Java strings hold it fine and a
        // pair written as two escapes recombines naturally in the StringBuilder.
        return (char) v;
    }

    private void appendUtf8(StringBuilder sb, int from, int to) throws JsonException {
        if (from == to) {
            return;
        }
        boolean ascii = true;
        for (int i = from; i < to && ascii; i++) {
            ascii = buf[i] >= 0;
        }
        if (ascii) {
            // the common case (tensor names, field names, dtypes): no decoder needed
            sb.append(new String(buf, from, to - from, StandardCharsets.US_ASCII));
            return;
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = dec.decode(ByteBuffer.wrap(buf, from, to - from));
            sb.append(chars);
        } catch (CharacterCodingException e) {
            throw new JsonException("invalid UTF-8 in string", from);
        }
    }

    private void enter() throws JsonException {
        if (++depth > MAX_DEPTH) {
            throw new JsonException("JSON nested deeper than " + MAX_DEPTH + " levels", pos);
        }
    }

    private int peek() throws JsonException {
        if (pos >= end) {
            throw new JsonException("unexpected end of JSON", pos);
        }
        return buf[pos];
    }

    private void expect(char c) throws JsonException {
        if (peek() != c) {
            throw new JsonException("expected '" + c + "' but found '" + printable(buf[pos]) + "'", pos);
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < end && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\n' || buf[pos] == '\r')) {
            pos++;
        }
    }

    private static String printable(byte c) {
        int u = c & 0xFF;
        return u >= 0x20 && u < 0x7F ? String.valueOf((char) u) : String.format("\\x%02x", u);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Appends {@code s} as a JSON string literal, escaping like serde_json (the reference
     * safetensors serializer): {@code " \ \b \f \n \r \t} by name, other controls below 0x20 as
     * {@code \}{@code u00xx}, everything else (non-ASCII included) as raw UTF-8 text.
     */
    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
