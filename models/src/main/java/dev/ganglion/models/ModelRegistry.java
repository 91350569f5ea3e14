package dev.ganglion.models;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Model name → {@link ModelFactory}. {@link #standard()} knows every model Ganglion ships; a registry
 * is otherwise an ordinary mutable map (tests may add their own models).
 */
public final class ModelRegistry {
    private final Map<String, ModelFactory> factories = new LinkedHashMap<>();

    /** An empty registry. */
    public ModelRegistry() {}

    /** A registry of the shipped models, in {@code models.md} order. */
    public static ModelRegistry standard() {
        ModelRegistry r = new ModelRegistry();
        // NOTE: one line per model family; each family registers its names in models.md order.
        dev.ganglion.models.recurrent.RecurrentModels.registerAll(r);
        dev.ganglion.models.g2gnet.G2GNetModels.register(r);
        dev.ganglion.models.circuitnet.CircuitNetModels.register(r);
        return r;
    }

    /**
     * Adds a model.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public ModelRegistry register(String name, ModelFactory factory) {
        Objects.requireNonNull(factory, "ModelRegistry.register: factory is null");
        if (factories.putIfAbsent(Objects.requireNonNull(name, "ModelRegistry.register: name is null"), factory) != null) {
            throw new IllegalArgumentException("ModelRegistry.register: model '" + name + "' is already registered");
        }
        return this;
    }

    /** The registered names in registration order. */
    public List<String> names() {
        return List.copyOf(factories.keySet());
    }

    /**
     * The factory of {@code name}.
     *
     * @throws IllegalArgumentException naming the known models when there is none
     */
    public ModelFactory factory(String name) {
        ModelFactory f = factories.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known models: "
                    + String.join(", ", factories.keySet()));
        }
        return f;
    }

    /** The config of {@code name} with the given fields set and defaults for the rest (derived fields unset). */
    public ModelConfig config(String name, Map<String, ?> fields) {
        return ModelConfig.of(factory(name).schema(), fields);
    }

    /** A fresh model of {@code config.model()} drawn from a generator seeded with {@code seed}. */
    public NeuralModel create(ModelConfig config, long seed) {
        return create(config, Map.of(), new Rng(seed));
    }

    /** A model of {@code config.model()}, structured by a checkpoint's tensors when given ({@link ModelFactory}). */
    public NeuralModel create(ModelConfig config, Map<String, Tensor> storedState, Rng rng) {
        return factory(config.model()).create(config, storedState, rng);
    }
}
