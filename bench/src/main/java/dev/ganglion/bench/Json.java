package dev.ganglion.bench;

import dev.ganglion.models.ConfigJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON of the bench lines (cli.md): {@link ConfigJson}, the project's one JSON reader and writer
 * (compact, key order kept, doubles as Python prints them), with two conventions of measurements
 * added: a non-finite number is written as {@code null} (JSON has no NaN: a measurement that
 * produced one is reported as missing) and any other object as its string.
 */
public final class Json {
    private Json() {}

    /** One-line JSON for a Map, List, CharSequence, Number, Boolean or null value. */
    public static String write(Object value) {
        return ConfigJson.write(plain(value));
    }

    /** Parses one JSON value; {@link IllegalArgumentException} with the position on bad input. */
    public static Object parse(String text) {
        return ConfigJson.parse(text);
    }

    private static Object plain(Object v) {
        return switch (v) {
            case null -> null;
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                l.forEach(x -> out.add(plain(x)));
                yield out;
            }
            case Double d -> Double.isFinite(d) ? d : null;
            case Float f -> Float.isFinite(f) ? f.doubleValue() : null;
            case Integer i -> i;
            case Long l -> l;
            case Number n -> n.doubleValue();
            case Boolean b -> b;
            default -> v.toString();
        };
    }
}
