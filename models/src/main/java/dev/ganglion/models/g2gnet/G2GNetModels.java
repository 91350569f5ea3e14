package dev.ganglion.models.g2gnet;

import dev.ganglion.models.ModelFactory;
import dev.ganglion.models.ModelRegistry;

/** Registers {@code g2gnet} and its dense baseline {@code mlp}. */
public final class G2GNetModels {
    private G2GNetModels() {}

    /** Adds {@code g2gnet} and {@code mlp} to {@code registry} (models.md order). */
    public static void register(ModelRegistry registry) {
        registry.register(G2GNet.NAME, ModelFactory.of(G2GNetConfig.SCHEMA,
                (cfg, ints, rng) -> G2GNet.structured(G2GNetConfig.of(cfg), ints, rng)));
        // a checkpoint's mlp is built from its tensors, each shape checked before any layer of the
        // config's sizes exists (built from the config first, a config larger than the file ran out of memory)
        registry.register(Mlp.NAME, ModelFactory.of(MlpConfig.SCHEMA, (cfg, stored, rng) -> stored.isEmpty()
                ? Mlp.create(MlpConfig.of(cfg), rng) : Mlp.fromState(MlpConfig.of(cfg), stored)));
    }
}
