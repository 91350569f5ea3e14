package dev.ganglion.models.g2gnet;

import java.util.Locale;

/**
 * Config of the dense baseline {@code mlp}: {@code d_in → Linear(H) → act → … (numLayers) →
 * Linear(H → C)}, the G2GNet fields without the sparsity ones (and no seed: it only drives sparsity).
 */
public record MlpConfig(int inputSize, int hiddenSize, int numLayers, int outputSize, String activation) {
    public MlpConfig {
        FeedForwardChecks.sizes("mlp", inputSize, hiddenSize, numLayers, outputSize);
        FeedForwardChecks.activation("mlp", activation);
    }

    /** The {@code ganglion.config} JSON, compact, in models.md order. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"input_size\":%d,\"hidden_size\":%d,\"num_layers\":%d,\"output_size\":%d,"
                + "\"activation\":\"%s\"}", inputSize, hiddenSize, numLayers, outputSize, activation);
    }
}
