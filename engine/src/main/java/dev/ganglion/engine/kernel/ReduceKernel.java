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
    float sum(float[] x, int off, int n);

    float max(float[] x, int off, int n);

    float min(float[] x, int off, int n);

    float logSumExp(float[] x, int off, int n);

    void softmax(float[] x, int xOff, float[] y, int yOff, int n);

    void logSoftmax(float[] x, int xOff, float[] y, int yOff, int n);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarReduce}). */
    static ReduceKernel active() {
        return ActiveKernels.Reduce.KERNEL;
    }
}
