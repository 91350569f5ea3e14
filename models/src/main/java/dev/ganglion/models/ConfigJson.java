package dev.ganglion.models;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer for model configs: {@code value = object | array | string |
 * number | true | false | null}.
 *
 * <p>Parsed values: objects as {@code LinkedHashMap<String,Object>} (key order kept, duplicate keys
 * rejected), arrays as {@code List<Object>}, strings, numbers as {@code Long} when written without
 * fraction or exponent (and in range) else {@code Double}, {@code Boolean}, and {@code null}.
 * Errors are {@link IllegalArgumentException}s naming the character position and, inside an object,
 * the key being read.
 *
 * <p>The writer is compact (no spaces) and prints doubles as Python's {@code repr} does ({@code 5.0},
 * {@code 0.15}, {@code 1e-06}), so a config written here is byte-identical to {@code json.dumps(cfg,
 * separators=(",", ":"))} in the PyTorch reference.
 */
public final class ConfigJson {
    private static final int MAX_DEPTH = 64;

    private final String s;
    private int pos;
    private int depth;
    private String key = null;

    private ConfigJson(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value filling the whole text (surrounding whitespace allowed).
     *
     * @throws IllegalArgumentException on malformed input, naming the position and the key
     */
    public static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("ConfigJson.parse: text is null");
        }
        ConfigJson p = new ConfigJson(text);
        p.skipSpace();
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("trailing text");
        }
        return v;
    }

    /** Parses a JSON object; anything else is an error. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    /** A parsed value as JSON names it, for messages: {@code the number 256.5}, {@code an array of 2}, {@code the string "relu"}. */
    public static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "the string \"" + s + "\"";
            case Boolean b -> b.toString();
            case Double d -> "the number " + pythonRepr(d);
            case Long l -> "the integer " + l;
            case List<?> l -> "an array of " + l.size();
            case Map<?, ?> m -> "an object";
            default -> v.toString();
        };
    }

    private Object value() {
        if (pos >= s.length()) {
            throw error("unexpected end of text");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        String outer = key;
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String k = string();
            key = k;
            if (out.containsKey(k)) {
                throw error("duplicate key");
            }
            skipSpace();
            expect(':');
            skipSpace();
            out.put(k, value());
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                break;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
        key = outer;
        depth--;
        return out;
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipSpace();
            out.add(value());
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                break;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
        depth--;
        return out;
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("raw control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(unicodeEscape());
                default -> {
                    pos--;
                    throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }

    private char unicodeEscape() {
        if (pos + 4 > s.length()) {
            throw error("short \\u escape");
        }
        try {
            char c = (char) Integer.parseInt(s.substring(pos, pos + 4), 16);
            pos += 4;
            return c;
        } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int intStart = pos;
        digits();
        if (pos - intStart > 1 && s.charAt(intStart) == '0') {
            pos = intStart;
            throw error("leading zero in a number");
        }
        boolean integral = true;
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            digits();
            integral = false;
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            digits();
            integral = false;
        }
        String t = s.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException ex) {
                return Double.parseDouble(t);
            }
        }
        return Double.parseDouble(t);
    }

    private void digits() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw error("expected a digit");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) {
            throw error("unexpected character '" + s.charAt(pos) + "'");
        }
        pos += word.length();
        return v;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private char peek() {
        if (pos >= s.length()) {
            throw error("unexpected end of text");
        }
        return s.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("ConfigJson: " + what + " at position " + pos
                + (key == null ? "" : " (in the value of key '" + key + "')"));
    }

    // ---------------------------------------------------------------- writing

    /**
     * Compact JSON for a value built of maps (string keys), lists, strings, numbers, booleans and null.
     *
     * @throws IllegalArgumentException for another type or a non-finite double
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    writeString(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, l.get(i));
                }
                sb.append(']');
            }
            case String str -> writeString(sb, str);
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(pythonRepr(d));
            case Float f -> sb.append(pythonRepr(f.doubleValue()));
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            default -> throw new IllegalArgumentException("ConfigJson.write: cannot write a "
                    + v.getClass().getSimpleName());
        }
    }

    private static void writeString(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c)); // NOTE: Python's ensure_ascii default
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * A double as Python's {@code repr}: shortest round-trip digits; positional notation for
     * decimal exponents −4 ≤ e < 16 (always with a fraction, {@code 5.0}), else {@code 1e-06} style.
     */
    static String pythonRepr(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("ConfigJson.write: non-finite number " + d);
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+); re-layout them.
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
}
