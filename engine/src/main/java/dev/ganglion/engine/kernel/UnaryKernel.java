package dev.ganglion.engine.kernel;

/**
 * Elementwise unary op on a float32 run: {@code y[yOff+i] = op(x[xOff+i·xStride]; p, q)} for
 * {@code 0 ≤ i < n}.
 *
 * <p>{@code p, q} are the op's scalar parameters (see {@link UnaryOp}), rounded to float before
 * use (as PyTorch treats a Python scalar against a float32 tensor). {@code xStride} may be any
 * value (0 broadcasts one element); implementations vectorise stride 1 and may run others scalar.
 * {@code y} may alias {@code x} only at the same offset with stride 1 (in place).
 */
public interface UnaryKernel {
    /**
     * {@code y[yOff+i] = op(x[xOff+i·xStride]; p, q)} for {@code 0 ≤ i < n}, with p and q rounded
     * to float first.
     */
    void apply(UnaryOp op, double p, double q, float[] x, int xOff, int xStride, float[] y, int yOff, int n);

    /**
     * Replaces each value of {@code a[off, off+n)} with {@code |x| < below} by the zero of its sign;
     * {@code below} is a finite float ≥ 2⁻¹²⁶ (else {@link IllegalArgumentException}). Other values,
     * infinities and NaNs are unchanged.
     *
     * <p>Why: with {@code below = 2⁻¹²⁶} this is a CPU's flush-to-zero and denormals-are-zero modes
     * (PyTorch's {@code torch.set_flush_denormal(True)}) applied to stored values. Java cannot set
     * those modes, and on Intel cores every arithmetic operation with a subnormal operand or result
     * takes a microcode assist of ~100 cycles; so the engine flushes where small values collect: the
     * GEMM's packed operands, and optimizer state that decays geometrically once its gradient stops
     * (a bound above 2⁻¹²⁶ there keeps the update's products with the state normal too). A flushed
     * value {@code x} changes each product {@code x·y} it would have joined by less than
     * {@code below·|y|}.
     */
    void flushBelow(float[] a, int off, int n, float below);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarUnary}). */
    static UnaryKernel active() {
        return ActiveKernels.Unary.KERNEL;
    }
}
