package dev.ganglion.engine.kernel;

/**
 * Elementwise binary op and select on float32 runs, each operand with its own stride:
 * {@code y[yOff+i] = op(a[aOff+i·aStride], b[bOff+i·bStride])} for {@code 0 ≤ i < n}.
 *
 * <p>Strides may be any value; implementations vectorise the cases that broadcasting produces
 * most: both 1 (same shapes), and one of them 0 (a scalar or a bias against a run). {@code y} may
 * alias {@code a} or {@code b} at the same offset with stride 1 (accumulation {@code acc = acc + row}).
 */
public interface BinaryKernel {
    /** {@code y[yOff+i] = op(a[aOff+i·aStride], b[bOff+i·bStride])} for {@code 0 ≤ i < n}. */
    void apply(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
               float[] y, int yOff, int n);

    /**
     * {@code y[yOff+i] = c[cOff+i·cStride] ≠ 0 ? a[…] : b[…]}.
     * NOTE: NaN is not 0, so a NaN condition picks {@code a}.
     */
    void where(float[] c, int cOff, int cStride, float[] a, int aOff, int aStride,
               float[] b, int bOff, int bStride, float[] y, int yOff, int n);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarBinary}). */
    static BinaryKernel active() {
        return ActiveKernels.Binary.KERNEL;
    }
}
