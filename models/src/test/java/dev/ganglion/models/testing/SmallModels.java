package dev.ganglion.models.testing;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.util.Map;

/** A small config of every registered model, with some fields away from their defaults, for tests over all models. */
public final class SmallModels {
    /** The configs' fields by model name. */
    public static final Map<String, Map<String, Object>> CONFIGS = Map.of(
            "lstm", Map.of("input_size", 3, "hidden_size", 4, "output_size", 2),
            "sublstm", Map.of("input_size", 3, "hidden_size", 4, "num_layers", 2, "output_size", 2),
            "fix-sublstm", Map.of("input_size", 3, "hidden_size", 4, "output_size", 2),
            "elm", Map.of("input_size", 3, "output_size", 2, "num_memory", 3, "tau_max", 20.0),
            "g2gnet", Map.of("input_size", 6, "hidden_size", 8, "num_layers", 2, "output_size", 2, "groups", 2,
                    "p_inter", 0.3, "grouping", "mixer", "seed", 3),
            "mlp", Map.of("input_size", 4, "hidden_size", 5, "num_layers", 2, "output_size", 2, "activation", "tanh"),
            "circuitnet", Map.of("input_size", 3, "output_size", 2, "units", 3, "neurons", 4, "ports", 2,
                    "in_degree", 2, "seed", 5));

    private SmallModels() {}

    /** The small {@code model} of {@code registry}, initialised from seed 7. */
    public static NeuralModel create(ModelRegistry registry, String model) {
        return registry.create(registry.config(model, CONFIGS.get(model)), 7);
    }

    /**
     * A batch for {@code m} drawn from {@code seed}, uniform in [−1, 1): {@code [2, input_size]}, or
     * {@code [2, 3, input_size]} (3 steps) for a recurrent model.
     */
    public static Tensor input(NeuralModel m, long seed) {
        int in = m.config().getInt("input_size");
        return new Rng(seed).uniform(m.recurrent() ? Shape.of(2, 3, in) : Shape.of(2, in), -1, 1);
    }
}
