package dev.ganglion.engine.kernel;

/**
 * Reductions and normalisations over one contiguous float32 row {@code x[off … off+n)}: the
 * last-axis kernels of {@code Reductions}.
 *
 * <ul>
 *   <li>{@code sum = Σᵢ xᵢ}, accumulated pairwise in float (error grows with log n, not n); 0 for
 *       an empty row.
 *   <li>{@code max = maxᵢ xᵢ}, {@code min = minᵢ xᵢ}: n ≥ 1; NaN anywhere gives NaN.
 *   <li>{@code logSumExp = m + ln Σᵢ e^(xᵢ−m)} with {@code m = max}, so no term overflows; ±∞ when
 *       m is ±∞, −∞ for an empty row.
 *   <li>{@code softmax: yᵢ = e^(xᵢ−m) / Σⱼ e^(xⱼ−m)};
 *       {@code logSoftmax: yᵢ = xᵢ − m − ln Σⱼ e^(xⱼ−m)}.
 *       NOTE: stable for any finite logits (±1000 included); a +∞ logit, or a row of only −∞,
 *       gives NaN, as in PyTorch. {@code y} may alias {@code x} at the same offset.
 * </ul>
 */
public interface ReduceKernel {
    /** {@code Σᵢ x[off+i]} for {@code i < n}, pairwise in float; 0 when n = 0. */
    float sum(float[] x, int off, int n);

    /** {@code maxᵢ x[off+i]} for {@code i < n}; n ≥ 1, NaN anywhere gives NaN. */
    float max(float[] x, int off, int n);

    /** {@code minᵢ x[off+i]} for {@code i < n}; n ≥ 1, NaN anywhere gives NaN. */
    float min(float[] x, int off, int n);

    /**
     * {@code m + ln Σᵢ e^(x[off+i]−m)} with {@code m = maxᵢ x[off+i]}; m itself when m is ±∞,
     * −∞ when n = 0.
     */
    float logSumExp(float[] x, int off, int n);

    /**
     * {@code y[yOff+i] = e^(x[xOff+i]−m) / Σⱼ e^(x[xOff+j]−m)} with {@code m = max}; nothing when
     * n = 0. {@code y} may alias {@code x} at the same offset.
     */
    void softmax(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * {@code y[yOff+i] = x[xOff+i] − m − ln Σⱼ e^(x[xOff+j]−m)} with {@code m = max}; nothing when
     * n = 0. {@code y} may alias {@code x} at the same offset.
     */
    void logSoftmax(float[] x, int xOff, float[] y, int yOff, int n);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarReduce}). */
    static ReduceKernel active() {
        return ActiveKernels.Reduce.KERNEL;
    }
}
