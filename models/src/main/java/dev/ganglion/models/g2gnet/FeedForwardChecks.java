package dev.ganglion.models.g2gnet;

/** Config checks shared by {@code g2gnet} and {@code mlp}. */
final class FeedForwardChecks {
    private FeedForwardChecks() {}

    static void sizes(String model, int inputSize, int hiddenSize, int numLayers, int outputSize) {
        if (inputSize < 1 || hiddenSize < 1 || numLayers < 0 || outputSize < 1) {
            throw new IllegalArgumentException(model + " config: input_size, hidden_size, output_size must be ≥ 1 and "
                    + "num_layers ≥ 0, got " + inputSize + ", " + hiddenSize + ", " + outputSize + ", " + numLayers);
        }
    }

    static void activation(String model, String activation) {
        if (!G2GNetConfig.ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException(model + " config: 'activation' must be relu, tanh or silu, got '"
                    + activation + "'");
        }
    }
}
