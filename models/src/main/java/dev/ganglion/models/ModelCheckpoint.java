package dev.ganglion.models;

import dev.ganglion.autodiff.checkpoint.Checkpoint;
import dev.ganglion.autodiff.nn.StateBudget;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Self-describing model checkpoints: a safetensors file with the model's state under its
 * {@code models.md} names (float parameters as stored, integer buffers such as {@code synapse.route}
 * as I32/U8) and {@code __metadata__} {@value #MODEL_KEY} (the registry name) and {@value #CONFIG_KEY}
 * (the resolved config as compact JSON). {@link #load(Path)} rebuilds the model from the file alone.
 */
public final class ModelCheckpoint {
    /** Metadata key of the model name. */
    public static final String MODEL_KEY = "ganglion.model";
    /** Metadata key of the config JSON. */
    public static final String CONFIG_KEY = "ganglion.config";

    private ModelCheckpoint() {}

    /** Writes {@code model}'s state and metadata to {@code path} (atomically). */
    public static void save(Path path, NeuralModel model) throws IOException {
        save(path, model, Map.of());
    }

    /** {@link #save(Path, NeuralModel)} with extra metadata entries (not {@code ganglion.model/config}). */
    public static void save(Path path, NeuralModel model, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(extraMetadata);
        if (meta.containsKey(MODEL_KEY) || meta.containsKey(CONFIG_KEY)) {
            throw new IllegalArgumentException("ModelCheckpoint.save: extra metadata may not set " + MODEL_KEY
                    + " or " + CONFIG_KEY);
        }
        meta.put(MODEL_KEY, model.name());
        meta.put(CONFIG_KEY, model.config().toJson());
        Checkpoint.save(path, model.module(), meta, null);
    }

    /**
     * Elements of state (16 MiB of float32) a model built from a file's config may hold beyond the
     * file's tensors before its build stops ({@link StateBudget}). Within it the build runs on, and
     * the state check names each missing or misshapen entry in full; the cap is for a config that
     * would not fit in memory.
     */
    private static final long BUILD_SLACK = 1L << 22;

    /** Problems named one by one in an error; the rest are counted. */
    private static final int MAX_LISTED = 10;

    /**
     * Entries a checkpoint may hold beside the model's state: optimizer state ({@code optim.…}) of a
     * training checkpoint, and a golden file's {@code x}, {@code y}, {@code grad_output} and
     * {@code grad.…} (undotted names: no model's state has one).
     */
    private static boolean besideTheModel(String name) {
        return name.startsWith(Checkpoint.OPTIM_PREFIX) || name.startsWith("grad.") || !name.contains(".");
    }

    /** {@link #load(Path, ModelRegistry)} with the {@link ModelRegistry#standard() standard} registry. */
    public static NeuralModel load(Path path) throws IOException {
        return load(path, ModelRegistry.standard());
    }

    /**
     * Reads the model named in {@code path}'s metadata, builds it from the config there (and the
     * file's structural tensors: masks, routes, edges) and loads its state. The config is read like
     * any other ({@link ModelConfig#parse}): a field it lacks takes its default (the one
     * {@code models.md} gives, or a derived one), a required field it lacks is an error; Ganglion
     * writes every field, so its own checkpoints never rely on a default. Every state entry must be
     * present with its shape and kind of dtype, and no other model entry may be stored (a tensor the
     * config's model lacks means the two disagree); a golden file's {@code x}, {@code y},
     * {@code grad.*} and a training checkpoint's {@code optim.*} are ignored. A config whose model
     * holds far more state than the file stops at the first tensor past {@link #BUILD_SLACK} more.
     *
     * @throws IllegalArgumentException naming the file when metadata is missing or the state does not fit
     */
    public static NeuralModel load(Path path, ModelRegistry registry) throws IOException {
        try (SafetensorsFile f = SafetensorsReader.open(path)) {
            Map<String, String> meta = f.metadata();
            String name = meta.get(MODEL_KEY);
            String json = meta.get(CONFIG_KEY);
            if (name == null || json == null) {
                throw new IllegalArgumentException(path + ": metadata lacks " + (name == null ? MODEL_KEY : CONFIG_KEY)
                        + "; not a model checkpoint");
            }
            // read outside the try below: the reader's errors name the file already; as float32, the
            // dtype every model is built in (a factory may build from these tensors)
            Map<String, Tensor> stored = new LinkedHashMap<>();
            for (String n : f.names()) {
                if (!besideTheModel(n)) {
                    stored.put(n, Checkpoint.readEntry(f, n).to(DType.F32));
                }
            }
            try {
                ModelConfig config = ModelConfig.parse(registry.factory(name).schema(), json);
                long elements = stored.values().stream().mapToLong(t -> t.shape().size()).sum();
                NeuralModel model = StateBudget.within(elements + BUILD_SLACK, "the file's " + stored.size()
                        + " model tensors hold " + elements + ", and the state check takes over within " + BUILD_SLACK
                        + " more", () -> registry.create(config, stored, new Rng(0)));
                Set<String> own = model.module().stateDict().keySet();
                List<String> problems = new ArrayList<>(Checkpoint.storedDtypeProblems(f, model.module()));
                for (String n : stored.keySet()) {
                    if (!own.contains(n)) {
                        problems.add("'" + n + "' is stored, but the " + name + " its config describes has no such entry "
                                + "(the config and the tensors disagree, e.g. in the number of layers or an ablation switch)");
                    }
                }
                if (problems.size() > MAX_LISTED) {   // a file of thousands of stray entries: a line, not megabytes
                    int more = problems.size() - MAX_LISTED;
                    problems = new ArrayList<>(problems.subList(0, MAX_LISTED));
                    problems.add("and " + more + " more");
                }
                if (!problems.isEmpty()) {
                    throw new IllegalArgumentException(String.join("; ", problems));
                }
                stored.keySet().retainAll(own);
                model.module().loadStateDict(stored, true); // a missing entry or a shape mismatch is an error
                return model;
            } catch (IllegalArgumentException e) {   // the model's problems: the file named once, first
                throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
            }
        }
    }
}
