package dev.ganglion.models.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per-model defaults chosen so that {@code ganglion train MODEL} with no options learns visibly in
 * well under a minute on one laptop core: the task, its sequence length and sizes, epochs, batch,
 * learning rate, and config fields the spec leaves required or sizes too large for a quick run.
 * Any of them is overridden by the caller's options and {@code --set}.
 *
 * @param task default built-in task
 * @param seqLen T of adding/recall (0 for function)
 * @param trainSize training samples
 * @param testSize test samples
 * @param epochs epochs
 * @param batch batch size
 * @param lr learning rate
 * @param config config fields set before the caller's {@code --set}
 */
public record TrainDefaults(String task, int seqLen, int trainSize, int testSize, int epochs, int batch, double lr,
                            Map<String, Object> config) {
    /** Models that read sequences {@code [N, T, d]}. */
    public static final Set<String> RECURRENT = Set.of("lstm", "sublstm", "fix-sublstm", "elm");

    /** The defaults of {@code model} (a generic feed-forward default for models not listed). */
    public static TrainDefaults of(String model) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        return switch (model) {
            case "lstm", "sublstm", "fix-sublstm" -> {
                cfg.put("hidden_size", 32);
                yield new TrainDefaults("adding", 20, 4000, 1000, 20, 32, 1e-2, cfg);
            }
            case "elm" -> {
                cfg.put("num_memory", 32);
                yield new TrainDefaults("adding", 20, 4000, 1000, 15, 32, 1e-2, cfg);
            }
            case "circuitnet" -> {
                cfg.put("units", 8);
                cfg.put("neurons", 16);
                cfg.put("ports", 4);
                yield new TrainDefaults("function", 0, 4000, 1000, 25, 32, 3e-3, cfg);
            }
            default -> {
                cfg.put("hidden_size", 256);
                yield new TrainDefaults("function", 0, 8000, 2000, 10, 64, 1e-3, cfg);
            }
        };
    }

    /** True when {@code model} reads sequences. */
    public static boolean recurrent(String model) {
        return RECURRENT.contains(model);
    }
}
