package dev.ganglion.engine.kernel;

/**
 * Reference {@link BinaryKernel}: each element through {@link BinaryOp#apply} in double, rounded
 * once to float. For add, sub, mul and div that equals the float op itself (double has more than
 * 2·24 + 2 bits, so the double rounding is innocuous); max, min and comparisons are exact. The static
 * double overloads are the float64 path of the engine.
 */
public final class ScalarBinary implements BinaryKernel {
    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarBinary() {}

    @Override
    public void apply(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                      float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) op.apply(a[aOff + i * aStride], b[bOff + i * bStride]);
        }
    }

    @Override
    public void where(float[] c, int cOff, int cStride, float[] a, int aOff, int aStride,
                      float[] b, int bOff, int bStride, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = c[cOff + i * cStride] != 0 ? a[aOff + i * aStride] : b[bOff + i * bStride];
        }
    }

    /** {@code y[yOff+i] = op(a[aOff+i·aStride], b[bOff+i·bStride])} in float64. */
    public static void apply(BinaryOp op, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
                             double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = op.apply(a[aOff + i * aStride], b[bOff + i * bStride]);
        }
    }

    /** {@code y[yOff+i] = c[…] ≠ 0 ? a[…] : b[…]} in float64. */
    public static void where(double[] c, int cOff, int cStride, double[] a, int aOff, int aStride,
                             double[] b, int bOff, int bStride, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = c[cOff + i * cStride] != 0 ? a[aOff + i * aStride] : b[bOff + i * bStride];
        }
    }
}
