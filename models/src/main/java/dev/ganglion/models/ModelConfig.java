package dev.ganglion.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable model config: a value (or unset, for a derived field not yet resolved) for every
 * field of a {@link ConfigSchema}, in the schema's order; printed as the {@code ganglion.config}
 * compact JSON object.
 *
 * <p>Creation is strict: an unknown key is an error listing the valid ones; a missing required
 * field, a value of the wrong type (a fraction for an int, a string for a bool …) or a string outside
 * a field's choices is an error naming the key. Integers are accepted for float fields.
 */
public final class ModelConfig {
    private final ConfigSchema schema;
    private final Map<String, Object> values;

    private ModelConfig(ConfigSchema schema, Map<String, Object> values) {
        this.schema = schema;
        this.values = values;
    }

    /**
     * The config with the given values and defaults for the rest.
     *
     * @throws IllegalArgumentException on an unknown key, a missing required field or a bad value
     */
    public static ModelConfig of(ConfigSchema schema, Map<String, ?> given) {
        Objects.requireNonNull(schema, "ModelConfig.of: schema is null");
        for (String k : given.keySet()) {
            schema.field(k);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (ConfigSchema.Field f : schema.fields()) {
            Object v = given.containsKey(f.name()) ? coerce(schema.model(), f, given.get(f.name())) : f.defaultValue();
            if (v == null && f.required()) {
                missing.add(f.name());
            }
            out.put(f.name(), v);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(schema.model() + " config: required key(s) missing: "
                    + String.join(", ", missing));
        }
        return new ModelConfig(schema, out);
    }

    /** {@link #of} from a JSON object's text (the {@code ganglion.config} metadata entry). */
    public static ModelConfig parse(ConfigSchema schema, String json) {
        return of(schema, parseJson(schema, json));
    }

    private static Map<String, Object> parseJson(ConfigSchema schema, String json) {
        try {
            return ConfigJson.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(schema.model() + " config: " + e.getMessage(), e);
        }
    }

    /** The compact JSON object of every field in schema order (unset derived fields as {@code null}). */
    public String toJson() {
        return ConfigJson.write(values);
    }

    /** The schema. */
    public ConfigSchema schema() {
        return schema;
    }

    /** The model name of the schema. */
    public String model() {
        return schema.model();
    }

    /** Every field's value (null when unset), in schema order. */
    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    /** True when the field has a value (a derived field may be unset). */
    public boolean isSet(String name) {
        schema.field(name);
        return values.get(name) != null;
    }

    /** An INT field. */
    public int getInt(String name) {
        long v = getLong(name);
        if (v != (int) v) {
            throw new IllegalArgumentException(model() + " config: key '" + name + "' = " + v + " does not fit an int");
        }
        return (int) v;
    }

    /** An INT field as a long. */
    public long getLong(String name) {
        return (Long) typed(name, ConfigSchema.Type.INT);
    }

    /** A FLOAT field. */
    public double getDouble(String name) {
        return (Double) typed(name, ConfigSchema.Type.FLOAT);
    }

    /** A BOOL field. */
    public boolean getBoolean(String name) {
        return (Boolean) typed(name, ConfigSchema.Type.BOOL);
    }

    /** A STRING field. */
    public String getString(String name) {
        return (String) typed(name, ConfigSchema.Type.STRING);
    }

    private Object typed(String name, ConfigSchema.Type type) {
        ConfigSchema.Field f = schema.field(name);
        if (f.type() != type) {
            throw new IllegalArgumentException(model() + " config: key '" + name + "' is " + f.type() + ", not " + type);
        }
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(model() + " config: key '" + name
                    + "' is unset (a derived field not yet resolved)");
        }
        return v;
    }

    /** A copy with {@code name} set to {@code value} (checked like {@link #of}). */
    public ModelConfig with(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, coerce(model(), schema.field(name), value));
        return new ModelConfig(schema, m);
    }

    /** A copy with {@code name} set to {@code value} only when it is unset (resolving a derived field). */
    public ModelConfig withDefault(String name, Object value) {
        return isSet(name) ? this : with(name, value);
    }

    /**
     * A copy with {@code name} set from text ({@code --set name=text}): numbers, {@code true}/{@code
     * false}, or the string itself for STRING fields.
     */
    public ModelConfig withText(String name, String text) {
        ConfigSchema.Field f = schema.field(name);
        if (f.type() == ConfigSchema.Type.STRING) {
            return with(name, text);
        }
        Object parsed;
        try {
            parsed = ConfigJson.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(model() + " config: key '" + name + "': cannot read '" + text
                    + "' as " + f.type(), e);
        }
        return with(name, parsed);
    }

    /** Checks and normalises one value for field {@code f}: INT → Long, FLOAT → Double. */
    static Object coerce(String model, ConfigSchema.Field f, Object v) {
        String where = model + " config: key '" + f.name() + "'";
        if (v == null) {
            if (f.required()) {
                throw new IllegalArgumentException(where + " is required and may not be null");
            }
            return null;
        }
        switch (f.type()) {
            case INT -> {
                if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    return ((Number) v).longValue();
                }
                throw new IllegalArgumentException(where + " must be an integer, got " + ConfigJson.describe(v));
            }
            case FLOAT -> {
                if (v instanceof Number n && !(v instanceof java.math.BigDecimal)) {
                    double d = n.doubleValue();
                    if (!Double.isFinite(d)) {
                        throw new IllegalArgumentException(where + " must be finite, got " + d);
                    }
                    return d;
                }
                throw new IllegalArgumentException(where + " must be a number, got " + ConfigJson.describe(v));
            }
            case BOOL -> {
                if (v instanceof Boolean) {
                    return v;
                }
                throw new IllegalArgumentException(where + " must be true or false, got " + ConfigJson.describe(v));
            }
            default -> {
                if (!(v instanceof String s)) {
                    throw new IllegalArgumentException(where + " must be a string, got " + ConfigJson.describe(v));
                }
                if (!f.choices().isEmpty() && !f.choices().contains(s)) {
                    throw new IllegalArgumentException(where + " = '" + s + "' is not one of "
                            + String.join(", ", f.choices()));
                }
                return s;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && c.model().equals(model()) && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model(), values);
    }

    @Override
    public String toString() {
        return model() + " " + toJson();
    }
}
