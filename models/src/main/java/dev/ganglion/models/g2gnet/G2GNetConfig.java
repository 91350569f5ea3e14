package dev.ganglion.models.g2gnet;

import dev.ganglion.models.ConfigSchema;
import dev.ganglion.models.ConfigSchema.Type;
import dev.ganglion.models.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Config of {@code g2gnet} (models.md §3), fields in the spec's order:
 * {@code d_in → S(H) → act → … (numLayers sparse layers) → Linear(H → C)}, each sparse layer with
 * density {@code 1/G + (1 − 1/G)·p′} for {@code p_intra = 1}.
 *
 * @param grouping {@code index}, {@code interleaved}, {@code random} or {@code mixer}
 * @param activation {@code relu}, {@code tanh} or {@code silu}
 * @param dstOn dynamic sparse training during {@code ganglion train} (config field {@code dst})
 * @param dstSettings its settings (config fields {@code update_interval}, {@code zeta}, {@code prune},
 *            {@code regrow}), kept as given with it off too, so that the config records what was set
 */
public record G2GNetConfig(int inputSize, int hiddenSize, int numLayers, int outputSize, int groups, double pIntra,
        double pInter, String grouping, String activation, long seed, boolean dstOn, DynamicSparsity.Settings dstSettings) {
    static final Set<String> GROUPINGS = Set.of("index", "interleaved", "random", "mixer");
    static final Set<String> ACTIVATIONS = Set.of("relu", "tanh", "silu");

    /**
     * Checks the sizes (≥ 1; {@code numLayers ≥ 0}), {@code groups ≥ 1}, {@code pIntra} and
     * {@code pInter} in [0, 1], the grouping and the activation.
     */
    public G2GNetConfig {
        java.util.Objects.requireNonNull(dstSettings, "g2gnet config: dstSettings is null (static sparsity: dstOn false)");
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

    /** Static sparsity (no DST). */
    public G2GNetConfig(int inputSize, int hiddenSize, int numLayers, int outputSize, int groups, double pIntra,
                        double pInter, String grouping, String activation, long seed) {
        this(inputSize, hiddenSize, numLayers, outputSize, groups, pIntra, pInter, grouping, activation, seed, false,
                DynamicSparsity.Settings.defaults());
    }

    /** The dynamic sparse training settings when it is on, else null (static sparsity). */
    public DynamicSparsity.Settings dst() {
        return dstOn ? dstSettings : null;
    }

    /** The defaults of models.md ({@code H = 1024}, 3 layers, G = 8, p_intra 1, p′ 0.15, index, relu, seed 0). */
    public static G2GNetConfig defaults(int inputSize, int outputSize) {
        return new G2GNetConfig(inputSize, 1024, 3, outputSize, 8, 1.0, 0.15, "index", "relu", 0);
    }

    /** The schema of {@code g2gnet} (models.md order and defaults). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder("g2gnet")
            .required("input_size", Type.INT).optional("hidden_size", Type.INT, 1024).optional("num_layers", Type.INT, 3)
            .required("output_size", Type.INT).optional("groups", Type.INT, 8).optional("p_intra", Type.FLOAT, 1.0)
            .optional("p_inter", Type.FLOAT, 0.15).choice("grouping", "index", "index", "interleaved", "random", "mixer")
            .choice("activation", "relu", "relu", "tanh", "silu").optional("seed", Type.INT, 0)
            .optional("dst", Type.BOOL, false).optional("update_interval", Type.INT, 1000).optional("zeta", Type.FLOAT, 0.1)
            .choice("prune", "magnitude", "magnitude", "random", "hebbian").choice("regrow", "hebbian", "hebbian", "random")
            .build();

    /** The typed view of a {@code g2gnet} config (checked). */
    public static G2GNetConfig of(ModelConfig c) {
        // the DST fields are checked, and kept, with dst off too: a bad value is an error whether or not it is used
        DynamicSparsity.Settings dst = new DynamicSparsity.Settings(c.getInt("update_interval"), c.getDouble("zeta"),
                DynamicSparsity.Prune.valueOf(c.getString("prune").toUpperCase(Locale.ROOT)),
                DynamicSparsity.Regrow.valueOf(c.getString("regrow").toUpperCase(Locale.ROOT)), c.getLong("seed"));
        return new G2GNetConfig(c.getInt("input_size"), c.getInt("hidden_size"), c.getInt("num_layers"),
                c.getInt("output_size"), c.getInt("groups"), c.getDouble("p_intra"), c.getDouble("p_inter"),
                c.getString("grouping"), c.getString("activation"), c.getLong("seed"), c.getBoolean("dst"), dst);
    }

    /** The generic config ({@code ganglion.config}). */
    public ModelConfig toModelConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input_size", inputSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_layers", numLayers);
        m.put("output_size", outputSize);
        m.put("groups", groups);
        m.put("p_intra", pIntra);
        m.put("p_inter", pInter);
        m.put("grouping", grouping);
        m.put("activation", activation);
        m.put("seed", seed);
        DynamicSparsity.Settings d = dstSettings;
        m.put("dst", dstOn);
        m.put("update_interval", d.updateInterval());
        m.put("zeta", d.zeta());
        m.put("prune", d.prune().name().toLowerCase(Locale.ROOT));
        m.put("regrow", d.regrow().name().toLowerCase(Locale.ROOT));
        return ModelConfig.of(SCHEMA, m);
    }
}
