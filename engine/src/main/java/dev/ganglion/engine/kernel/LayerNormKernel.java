package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;

/**
 * The float32 rows of layer normalisation's forward and backward (see {@code ops.Normalization}):
 * row r of n values at {@code x[xOff + r·n …]} becomes {@code yᵢ = (xᵢ − μ)·ρ·γᵢ + βᵢ} at
 * {@code y[yOff + r·n …]}, with μ and {@code ρ = 1/√(σ² + ε)} accumulated in double and written to
 * {@code mean[r]} and {@code rstd[r]}. γ and β may be null (1 and 0). Rows are independent, and a
 * row's results do not depend on which other rows a call covers: callers split rows across threads.
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

    /**
     * The gradients of rows {@code [from, to)} from {@code g = ∂L/∂y} at {@code g[gOff + r·n …]}, x at
     * {@code x[xOff + r·n …]} and the forward's {@code mean[r]} and {@code rstd[r]}: with
     * {@code x̂ = (x − μ)·ρ} and {@code ĝ = g·γ}, {@code ∂L/∂x = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))}
     * (in double, rounded to float once) goes to {@code dx[dxOff + r·n …]}, and each row's
     * {@code g·x̂} and g are added, row after row in order, into {@code dw} and {@code db} (double
     * partial sums of n elements that the caller owns, one pair for a block of rows, so that the
     * totals do not depend on how the blocks are spread over threads).
     *
     * @param w γ, n values, or null
     * @param dx where ∂L/∂x goes, or null when it is not wanted
     * @param dw partial ∂L/∂γ to add to, or null when it is not wanted
     * @param db partial ∂L/∂β to add to, or null when it is not wanted
     */
    void backward(int from, int to, int n, float[] g, int gOff, float[] x, int xOff, double[] mean, double[] rstd,
            float[] w, float[] dx, int dxOff, double[] dw, double[] db);

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
