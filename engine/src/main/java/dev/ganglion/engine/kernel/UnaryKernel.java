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

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarUnary}). */
    static UnaryKernel active() {
        return ActiveKernels.Unary.KERNEL;
    }
}
