package dev.ganglion.models;

import dev.ganglion.autodiff.checkpoint.Checkpoint;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** {@link #load(Path, ModelRegistry)} with the {@link ModelRegistry#standard() standard} registry. */
    public static NeuralModel load(Path path) throws IOException {
        return load(path, ModelRegistry.standard());
    }

    /**
     * Reads the model named in {@code path}'s metadata, builds it from the config there (and the
     * file's integer tensors) and loads its state: every state entry must be present with its shape;
     * other entries are ignored, so a golden file (with {@code x}, {@code y}, {@code grad.*}) or a
     * training checkpoint (with {@code optim.*}) loads too.
     *
     * @throws IllegalArgumentException naming the file when metadata is missing or the state does not fit
     */
    public static NeuralModel load(Path path, ModelRegistry registry) throws IOException {
        try (SafetensorsFile f = SafetensorsReader.open(path)) {
            Map<String, String> meta = f.metadata();
            String name = meta.get(MODEL_KEY);
            String json = meta.get(CONFIG_KEY);
            if (name == null || json == null) {
                throw new IllegalArgumentException("ModelCheckpoint.load(" + path + "): metadata lacks "
                        + (name == null ? MODEL_KEY : CONFIG_KEY) + "; not a model checkpoint");
            }
            try {
                ModelConfig config = ModelConfig.parse(registry.factory(name).schema(), json);
                Map<String, Tensor> ints = new LinkedHashMap<>();
                for (String n : f.names()) {
                    if (!f.holdsFloats(n)) {
                        ints.put(n, Checkpoint.readEntry(f, n));
                    }
                }
                NeuralModel model = registry.create(config, ints, new Rng(0));
                List<String> stored = Checkpoint.storedDtypeProblems(f, model.module());
                if (!stored.isEmpty()) {
                    throw new IllegalArgumentException(String.join("; ", stored));
                }
                Map<String, Tensor> state = new LinkedHashMap<>();
                for (String n : model.module().stateDict().keySet()) {
                    if (f.contains(n)) {
                        state.put(n, f.holdsFloats(n) ? f.tensor(n) : ints.get(n));
                    }
                }
                model.module().loadStateDict(state, true); // a missing entry or a shape mismatch is an error
                return model;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ModelCheckpoint.load(" + path + "): " + e.getMessage(), e);
            }
        }
    }
}
