package dev.ganglion.engine.kernel;

/**
 * Reference {@link UnaryKernel}: each element through {@link UnaryOp#apply} in double, rounded once
 * to float, so its results are the correctly rounded values up to the accuracy of {@link Math}.
 * The static double overload is the float64 path of the engine.
 */
public final class ScalarUnary implements UnaryKernel {
    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarUnary() {}

    @Override
    public void apply(UnaryOp op, double p, double q, float[] x, int xOff, int xStride, float[] y, int yOff, int n) {
        // The parameters are rounded to float first, as PyTorch does for a Python scalar against a
        // float32 tensor; then scale and addScalar are exactly the float multiply and add.
        double fp = (float) p;
        double fq = (float) q;
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) op.apply(x[xOff + i * xStride], fp, fq);
        }
    }

    @Override
    public void flushBelow(float[] a, int off, int n, float below) {
        int belowBits = flushBound(below);
        for (int i = off; i < off + n; i++) {
            a[i] = flushBelow(a[i], belowBits);
        }
    }

    /**
     * The bits of {@link UnaryKernel#flushBelow}'s bound, checked: a finite float ≥ 2⁻¹²⁶. A float's
     * magnitude orders as its bits without the sign, so one integer compare tests {@code |x| < below}.
     */
    public static int flushBound(float below) {
        if (!(below >= Float.MIN_NORMAL && below <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("flushBelow: the bound must be a finite float ≥ 2⁻¹²⁶, got " + below);
        }
        return Float.floatToRawIntBits(below);
    }

    /** {@code x}, or the zero of its sign when {@code |x|}'s bits are below {@code belowBits} ({@link #flushBound}). */
    public static float flushBelow(float x, int belowBits) {
        int bits = Float.floatToRawIntBits(x);
        return (bits & Integer.MAX_VALUE) < belowBits ? Float.intBitsToFloat(bits & Integer.MIN_VALUE) : x;
    }

    /** {@code y[yOff+i] = op(x[xOff+i·xStride]; p, q)} in float64. */
    public static void apply(UnaryOp op, double p, double q, double[] x, int xOff, int xStride,
                             double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = op.apply(x[xOff + i * xStride], p, q);
        }
    }
}
