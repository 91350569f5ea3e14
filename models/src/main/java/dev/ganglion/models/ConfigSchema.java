package dev.ganglion.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fields of one model's config, in the order of {@code models.md}: each a snake_case name, a
 * type, and a default, or required (no default), or derived (unset until the model resolves it from
 * other fields, e.g. {@code mlp_hidden = 2·num_memory}).
 *
 * <p>Types: {@link Type#INT} (held as {@code Long}), {@link Type#FLOAT} ({@code Double}),
 * {@link Type#BOOL}, {@link Type#STRING} (optionally restricted to a list of choices).
 */
public final class ConfigSchema {
    /** The value type of a field. */
    public enum Type {
        /** An integer, held as {@code Long}. */
        INT,
        /** A finite number, held as {@code Double}. */
        FLOAT,
        /** {@code true} or {@code false}, held as {@code Boolean}. */
        BOOL,
        /** A {@code String}, optionally restricted to the field's choices. */
        STRING
    }

    /**
     * One field. {@code defaultValue} is null for required and derived fields; {@code choices} is
     * empty when any string is accepted.
     */
    public record Field(String name, Type type, Object defaultValue, boolean required, List<String> choices) {}

    private final String model;
    private final Map<String, Field> fields;

    private ConfigSchema(String model, Map<String, Field> fields) {
        this.model = model;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Starts the schema of {@code model}. */
    public static Builder builder(String model) {
        return new Builder(Objects.requireNonNull(model, "ConfigSchema.builder: model is null"));
    }

    /** The model name this schema belongs to (used in error messages). */
    public String model() {
        return model;
    }

    /** Every field in declaration order. */
    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    /** Field names in declaration order. */
    public List<String> names() {
        return List.copyOf(fields.keySet());
    }

    /** True when {@code name} is a field. */
    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /**
     * The field called {@code name}.
     *
     * @throws IllegalArgumentException naming the valid fields when there is none
     */
    public Field field(String name) {
        Field f = fields.get(name);
        if (f == null) {
            throw new IllegalArgumentException(model + " config: unknown key '" + name + "'; valid keys: "
                    + String.join(", ", fields.keySet()));
        }
        return f;
    }

    /** Collects fields in order. */
    public static final class Builder {
        private final String model;
        private final Map<String, Field> fields = new LinkedHashMap<>();

        private Builder(String model) {
            this.model = model;
        }

        /** A field without default: every config must give it. */
        public Builder required(String name, Type type) {
            return add(new Field(name, type, null, true, List.of()));
        }

        /** A field with a default value (Integer/Long for INT, a Number for FLOAT, …). */
        public Builder optional(String name, Type type, Object defaultValue) {
            Objects.requireNonNull(defaultValue, "ConfigSchema: default of '" + name + "' is null; use derived()");
            Field probe = new Field(name, type, null, false, List.of());
            return add(new Field(name, type, ModelConfig.coerce(model, probe, defaultValue), false, List.of()));
        }

        /** A field whose default the model derives from other fields (unset until resolved). */
        public Builder derived(String name, Type type) {
            return add(new Field(name, type, null, false, List.of()));
        }

        /** A string field restricted to {@code choices}; {@code defaultValue} null makes it derived. */
        public Builder choice(String name, String defaultValue, String... choices) {
            List<String> c = List.of(choices);
            if (defaultValue != null && !c.contains(defaultValue)) {
                throw new IllegalArgumentException("ConfigSchema: default '" + defaultValue + "' of '" + name
                        + "' is not one of " + c);
            }
            return add(new Field(name, Type.STRING, defaultValue, false, c));
        }

        private Builder add(Field f) {
            if (fields.containsKey(f.name())) {
                throw new IllegalArgumentException("ConfigSchema: field '" + f.name() + "' declared twice");
            }
            fields.put(f.name(), f);
            return this;
        }

        /** The finished schema. */
        public ConfigSchema build() {
            return new ConfigSchema(model, new ArrayList<>(fields.values()).stream()
                    .collect(LinkedHashMap::new, (m, f) -> m.put(f.name(), f), Map::putAll));
        }
    }
}
