package dev.ganglion.models.circuitnet;

import dev.ganglion.models.ModelFactory;
import dev.ganglion.models.ModelRegistry;

/** Registers {@code circuitnet}. */
public final class CircuitNetModels {
    private CircuitNetModels() {}

    /** Adds {@code circuitnet} to {@code registry}. */
    public static void register(ModelRegistry registry) {
        registry.register(CircuitNet.NAME, ModelFactory.of(CircuitNetConfig.SCHEMA,
                (cfg, ints, rng) -> CircuitNet.structured(CircuitNetConfig.of(cfg), ints, rng)));
    }
}
