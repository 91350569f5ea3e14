package dev.ganglion.models;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import java.util.Map;

/**
 * Builds one kind of model: its config schema, and a fresh model from a config.
 *
 * <p>{@code storedState} holds the model tensors of a checkpoint being loaded, as float32 (integer
 * ones, such as routes, masks, permutations and edges, as float tensors of their values), for
 * models whose structure depends on them (an ELM with {@code synapse.route}); it is empty for a
 * fresh model. A factory reads the structural entries, and may build the model from the others too
 * (g2gnet and mlp do, which checks their shapes before anything of the config's sizes is made):
 * {@link ModelCheckpoint} checks their dtypes and loads the parameters afterwards.
 */
public interface ModelFactory {
    /** The config fields of this model. */
    ConfigSchema schema();

    /** A model with the init of {@code models.md}, drawn from {@code rng}. */
    NeuralModel create(ModelConfig config, Map<String, Tensor> storedState, Rng rng);

    /** A factory from a schema and a build function. */
    static ModelFactory of(ConfigSchema schema, Builder builder) {
        return new ModelFactory() {
            @Override
            public ConfigSchema schema() {
                return schema;
            }

            @Override
            public NeuralModel create(ModelConfig config, Map<String, Tensor> storedState, Rng rng) {
                return builder.build(config, storedState, rng);
            }
        };
    }

    /** The build function of {@link #of}. */
    @FunctionalInterface
    interface Builder {
        /** Builds the model. */
        NeuralModel build(ModelConfig config, Map<String, Tensor> storedState, Rng rng);
    }
}
