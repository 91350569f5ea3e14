package dev.ganglion.models.circuitnet;

import dev.ganglion.models.ConfigSchema;
import dev.ganglion.models.ConfigSchema.Type;
import dev.ganglion.models.ConfigSizes;
import dev.ganglion.models.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Config of {@code circuitnet} (models.md §4), fields in the spec's order, then the ablation
 * switches (all default true; a switched-off term's parameters are absent from the model).
 *
 * @param units C CMUs
 * @param neurons N neurons per CMU
 * @param ports p input ports (neurons 0…p−1) and output ports (neurons N−p…N−1) per CMU
 * @param iterations K synchronous updates
 * @param inDegree k source CMUs per target CMU
 * @param activation {@code clipsin} or {@code tanh}
 */
public record CircuitNetConfig(int inputSize, int outputSize, int units, int neurons, int ports, int iterations,
        int inDegree, String activation, long seed, boolean useLinear, boolean useProduct, boolean useAttention,
        boolean useInter) {
    /** The schema of {@code circuitnet}. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder("circuitnet")
            .required("input_size", Type.INT).required("output_size", Type.INT).optional("units", Type.INT, 16)
            .optional("neurons", Type.INT, 32).optional("ports", Type.INT, 8).optional("iterations", Type.INT, 2)
            .optional("in_degree", Type.INT, 3).choice("activation", "clipsin", "clipsin", "tanh")
            .optional("seed", Type.INT, 0).optional("use_linear", Type.BOOL, true).optional("use_product", Type.BOOL, true)
            .optional("use_attention", Type.BOOL, true).optional("use_inter", Type.BOOL, true).build();

    /**
     * Checks the sizes (≥ 1; {@code iterations} and {@code inDegree ≥ 0}), {@code ports} in
     * [1, neurons], {@code inDegree ≤ units − 1} when {@code useInter}, and the activation.
     */
    public CircuitNetConfig {
        if (inputSize < 1 || outputSize < 1 || units < 1 || neurons < 1 || iterations < 0 || inDegree < 0) {
            throw new IllegalArgumentException("circuitnet config: sizes must be ≥ 1 (iterations, in_degree ≥ 0), got "
                    + "input_size " + inputSize + ", output_size " + outputSize + ", units " + units + ", neurons "
                    + neurons + ", iterations " + iterations + ", in_degree " + inDegree);
        }
        if (ports < 1 || ports > neurons) {
            throw new IllegalArgumentException("circuitnet config: ports " + ports + " must lie in [1, neurons = "
                    + neurons + "]");
        }
        if (useInter && inDegree > units - 1) {
            throw new IllegalArgumentException("circuitnet config: in_degree " + inDegree + " exceeds units − 1 = "
                    + (units - 1));
        }
        ConfigSizes.product("circuitnet", "units·neurons", units, neurons);
        ConfigSizes.product("circuitnet", "units·in_degree·ports·ports", (long) units * inDegree, (long) ports * ports);
        if (!activation.equals("clipsin") && !activation.equals("tanh")) {
            throw new IllegalArgumentException("circuitnet config: 'activation' must be clipsin or tanh, got '"
                    + activation + "'");
        }
    }

    /** The typed view of a {@code circuitnet} config. */
    public static CircuitNetConfig of(ModelConfig c) {
        return new CircuitNetConfig(c.getInt("input_size"), c.getInt("output_size"), c.getInt("units"),
                c.getInt("neurons"), c.getInt("ports"), c.getInt("iterations"), c.getInt("in_degree"),
                c.getString("activation"), c.getLong("seed"), c.getBoolean("use_linear"), c.getBoolean("use_product"),
                c.getBoolean("use_attention"), c.getBoolean("use_inter"));
    }

    /** The generic config ({@code ganglion.config}). */
    public ModelConfig toModelConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input_size", inputSize);
        m.put("output_size", outputSize);
        m.put("units", units);
        m.put("neurons", neurons);
        m.put("ports", ports);
        m.put("iterations", iterations);
        m.put("in_degree", inDegree);
        m.put("activation", activation);
        m.put("seed", seed);
        m.put("use_linear", useLinear);
        m.put("use_product", useProduct);
        m.put("use_attention", useAttention);
        m.put("use_inter", useInter);
        return ModelConfig.of(SCHEMA, m);
    }
}
