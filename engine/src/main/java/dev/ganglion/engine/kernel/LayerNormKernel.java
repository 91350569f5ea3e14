package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;

/**
 * The float32 rows of layer normalisation's forward (see {@code ops.Normalization}): row r of n
 * values at {@code x[xOff + r·n …]} becomes {@code yᵢ = (xᵢ − μ)·ρ·γᵢ + βᵢ} at {@code y[yOff + r·n …]},
 * with μ and {@code ρ = 1/√(σ² + ε)} accumulated in double and written to {@code mean[r]} and
 * {@code rstd[r]}. γ and β may be null (1 and 0). Rows are independent, and a row's results do not
 * depend on which other rows a call covers: callers split rows across threads.
 */
public interface LayerNormKernel {
    /**
     * Normalises rows {@code [from, to)}.
     *
     * @param w γ, n values, or null
     * @param b β, n values, or null
     */
    void forward(int from, int to, int n, float[] x, int xOff, float[] w, float[] b, double eps, float[] y, int yOff,
            double[] mean, double[] rstd);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarLayerNorm}). */
    static LayerNormKernel active() {
        return LayerNormActive.KERNEL;
    }
}

/** Lazy holder so that merely naming the interface loads no kernel. */
final class LayerNormActive {
    static final LayerNormKernel KERNEL = Vectorization.load(LayerNormKernel.class,
            "dev.ganglion.engine.simd.SimdLayerNorm", ScalarLayerNorm::new);

    private LayerNormActive() {}
}
