package dev.ganglion.models.g2gnet;

import dev.ganglion.models.ConfigSchema;
import dev.ganglion.models.ConfigSchema.Type;
import dev.ganglion.models.ModelConfig;
import java.util.Map;

/**
 * Config of the dense baseline {@code mlp}: {@code d_in → Linear(H) → act → … (numLayers) →
 * Linear(H → C)}, the G2GNet fields without the sparsity ones (and no seed: it only drives sparsity).
 */
public record MlpConfig(int inputSize, int hiddenSize, int numLayers, int outputSize, String activation) {
    /** Checks the sizes (≥ 1; {@code numLayers ≥ 0}) and the activation. */
    public MlpConfig {
        FeedForwardChecks.sizes("mlp", inputSize, hiddenSize, numLayers, outputSize);
        FeedForwardChecks.activation("mlp", activation);
    }

    /** The schema of {@code mlp} (the g2gnet fields without the sparsity ones and the seed). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder("mlp")
            .required("input_size", Type.INT).optional("hidden_size", Type.INT, 1024).optional("num_layers", Type.INT, 3)
            .required("output_size", Type.INT).choice("activation", "relu", "relu", "tanh", "silu").build();

    /** The typed view of an {@code mlp} config. */
    public static MlpConfig of(ModelConfig c) {
        return new MlpConfig(c.getInt("input_size"), c.getInt("hidden_size"), c.getInt("num_layers"),
                c.getInt("output_size"), c.getString("activation"));
    }

    /** The generic config ({@code ganglion.config}). */
    public ModelConfig toModelConfig() {
        return ModelConfig.of(SCHEMA, Map.of("input_size", inputSize, "hidden_size", hiddenSize, "num_layers",
                numLayers, "output_size", outputSize, "activation", activation));
    }
}
