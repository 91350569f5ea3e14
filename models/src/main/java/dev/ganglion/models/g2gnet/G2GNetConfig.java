package dev.ganglion.models.g2gnet;

import java.util.Locale;
import java.util.Set;

/**
 * Config of {@code g2gnet} (models.md §3), fields in the spec's order:
 * {@code d_in → S(H) → act → … (numLayers sparse layers) → Linear(H → C)}, each sparse layer with
 * density {@code 1/G + (1 − 1/G)·p′} for {@code p_intra = 1}.
 *
 * @param grouping {@code index}, {@code interleaved}, {@code random} or {@code mixer}
 * @param activation {@code relu}, {@code tanh} or {@code silu}
 */
public record G2GNetConfig(int inputSize, int hiddenSize, int numLayers, int outputSize, int groups, double pIntra,
        double pInter, String grouping, String activation, long seed) {
    static final Set<String> GROUPINGS = Set.of("index", "interleaved", "random", "mixer");
    static final Set<String> ACTIVATIONS = Set.of("relu", "tanh", "silu");

    public G2GNetConfig {
        FeedForwardChecks.sizes("g2gnet", inputSize, hiddenSize, numLayers, outputSize);
        if (groups < 1) {
            throw new IllegalArgumentException("g2gnet config: 'groups' must be ≥ 1, got " + groups);
        }
        for (double p : new double[] {pIntra, pInter}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("g2gnet config: 'p_intra' and 'p_inter' must lie in [0, 1], got "
                        + pIntra + ", " + pInter);
            }
        }
        if (!GROUPINGS.contains(grouping)) {
            throw new IllegalArgumentException("g2gnet config: 'grouping' must be one of index, interleaved, random, "
                    + "mixer, got '" + grouping + "'");
        }
        FeedForwardChecks.activation("g2gnet", activation);
    }

    /** The defaults of models.md ({@code H = 1024}, 3 layers, G = 8, p_intra 1, p′ 0.15, index, relu, seed 0). */
    public static G2GNetConfig defaults(int inputSize, int outputSize) {
        return new G2GNetConfig(inputSize, 1024, 3, outputSize, 8, 1.0, 0.15, "index", "relu", 0);
    }

    /** The {@code ganglion.config} JSON, compact, in models.md order. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"input_size\":%d,\"hidden_size\":%d,\"num_layers\":%d,\"output_size\":%d,"
                + "\"groups\":%d,\"p_intra\":%s,\"p_inter\":%s,\"grouping\":\"%s\",\"activation\":\"%s\",\"seed\":%d}",
                inputSize, hiddenSize, numLayers, outputSize, groups, FeedForwardChecks.real(pIntra),
                FeedForwardChecks.real(pInter), grouping, activation, seed);
    }
}
