package dev.ganglion.models.recurrent;

import dev.ganglion.models.ConfigSchema;
import dev.ganglion.models.ConfigSchema.Type;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.ModelFactory;
import dev.ganglion.models.ModelRegistry;

/**
 * Config schemas of the recurrent models (fields in models.md order) and their registration:
 * {@code lstm}, {@code sublstm}, {@code fix-sublstm} ({@link SubLstm}) and {@code elm} ({@link ElmNeuron}).
 */
public final class RecurrentModels {
    private RecurrentModels() {}

    /** Registers {@code lstm}, {@code sublstm}, {@code fix-sublstm}, {@code elm}. */
    public static void registerAll(ModelRegistry registry) {
        for (Variant v : Variant.values()) {
            ConfigSchema schema = subLstmSchema(v.configName());
            registry.register(v.configName(), ModelFactory.of(schema,
                    (config, ints, rng) -> new SubLstm(config, rng)));
        }
        registry.register("elm", ModelFactory.of(ElmNeuron.SCHEMA,
                (config, ints, rng) -> new ElmNeuron(config, ints.get(ElmNeuron.ROUTE), rng)));
    }

    /** {@code input_size, hidden_size, num_layers = 1, variant, output_size}; variant derived from the name. */
    public static ConfigSchema subLstmSchema(String model) {
        return ConfigSchema.builder(model)
                .required("input_size", Type.INT)
                .required("hidden_size", Type.INT)
                .optional("num_layers", Type.INT, 1)
                .choice("variant", null, "lstm", "sublstm", "fix-sublstm")
                .required("output_size", Type.INT)
                .build();
    }

    /**
     * Sets {@code variant} to the model name (choice 2 of the reference README).
     *
     * @throws IllegalArgumentException when the config names another variant
     */
    public static ModelConfig resolveSubLstm(ModelConfig config) {
        if (config.isSet("variant") && !config.getString("variant").equals(config.model())) {
            throw new IllegalArgumentException(config.model() + " config: variant '" + config.getString("variant")
                    + "' contradicts the model name");
        }
        return config.withDefault("variant", config.model());
    }
}
