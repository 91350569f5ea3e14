package dev.ganglion.autodiff.nn;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;

/** Parameter initialisations, each drawing from a caller-given seeded {@link Rng}. */
public final class Init {
    private Init() {}

    /** Float32 values {@code ~ U(−bound, bound)} of the given shape. */
    public static Tensor uniform(Rng rng, double bound, int... dims) {
        if (!(bound >= 0)) {
            throw new IllegalArgumentException("Init.uniform: bound must be ≥ 0, got " + bound);
        }
        return rng.uniform(Shape.of(dims), -bound, bound);
    }

    /**
     * PyTorch's default Linear init: {@code W, b ~ U(−1/√fanIn, 1/√fanIn)} (0 bound for fanIn = 0).
     * {@code fanIn} may be a mean (a sparse layer's live inputs per output).
     */
    public static Tensor fanIn(Rng rng, double fanIn, int... dims) {
        return uniform(rng, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, dims);
    }

    /** Float32 values {@code ~ N(0, 1)} (PyTorch's Embedding init). */
    public static Tensor standardNormal(Rng rng, int... dims) {
        return rng.normal(Shape.of(dims), 0, 1);
    }
}
