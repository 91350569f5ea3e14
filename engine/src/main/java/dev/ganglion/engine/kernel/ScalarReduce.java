package dev.ganglion.engine.kernel;

/**
 * Reference {@link ReduceKernel}. {@code sum} is pairwise in float (halving down to runs of
 * {@value #LEAF}, summed in order), the order the SIMD twin approximates with its lanes; the
 * exponential reductions accumulate in double and round once, so they are the accurate answer the
 * SIMD twin is measured against. The static double overloads are the float64 path of the engine.
 */
public final class ScalarReduce implements ReduceKernel {
    /** Length below which a pairwise sum adds in order. */
    static final int LEAF = 32;

    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarReduce() {}

    @Override
    public float sum(float[] x, int off, int n) {
        if (n <= LEAF) {
            float s = 0f;
            for (int i = 0; i < n; i++) {
                s += x[off + i];
            }
            return s;
        }
        int h = n / 2;
        return sum(x, off, h) + sum(x, off + h, n - h);
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = x[off];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    @Override
    public float min(float[] x, int off, int n) {
        float m = x[off];
        for (int i = 1; i < n; i++) {
            m = Math.min(m, x[off + i]);
        }
        return m;
    }

    @Override
    public float logSumExp(float[] x, int off, int n) {
        if (n == 0) {
            return Float.NEGATIVE_INFINITY;
        }
        double m = max(x, off, n);
        return Double.isInfinite(m) ? (float) m : (float) (m + Math.log(sumExp(x, off, n, m)));
    }

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) {
            return;
        }
        double m = max(x, xOff, n);
        double inv = 1.0 / sumExp(x, xOff, n, m);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) (Math.exp(x[xOff + i] - m) * inv);
        }
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) {
            return;
        }
        double m = max(x, xOff, n);
        double logS = Math.log(sumExp(x, xOff, n, m));
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) ((x[xOff + i] - m) - logS);
        }
    }

    private static double sumExp(float[] x, int off, int n, double m) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[off + i] - m);
        }
        return s;
    }

    // ---------------------------------------------------------------- float64 path

    /** Pairwise {@code Σ x[off … off+n)} in double. */
    public static double sum(double[] x, int off, int n) {
        if (n <= LEAF) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[off + i];
            }
            return s;
        }
        int h = n / 2;
        return sum(x, off, h) + sum(x, off + h, n - h);
    }

    /** {@code max x[off … off+n)}, n ≥ 1, NaN propagating. */
    public static double max(double[] x, int off, int n) {
        double m = x[off];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    /** {@code min x[off … off+n)}, n ≥ 1, NaN propagating. */
    public static double min(double[] x, int off, int n) {
        double m = x[off];
        for (int i = 1; i < n; i++) {
            m = Math.min(m, x[off + i]);
        }
        return m;
    }

    /** Stable {@code ln Σ e^xᵢ} in double. */
    public static double logSumExp(double[] x, int off, int n) {
        if (n == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double m = max(x, off, n);
        return Double.isInfinite(m) ? m : m + Math.log(sumExp(x, off, n, m));
    }

    /** Stable softmax of one row in double; {@code y} may alias {@code x}. */
    public static void softmax(double[] x, int xOff, double[] y, int yOff, int n) {
        if (n == 0) {
            return;
        }
        double m = max(x, xOff, n);
        double inv = 1.0 / sumExp(x, xOff, n, m);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.exp(x[xOff + i] - m) * inv;
        }
    }

    /** Stable log-softmax of one row in double; {@code y} may alias {@code x}. */
    public static void logSoftmax(double[] x, int xOff, double[] y, int yOff, int n) {
        if (n == 0) {
            return;
        }
        double m = max(x, xOff, n);
        double logS = Math.log(sumExp(x, xOff, n, m));
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (x[xOff + i] - m) - logS;
        }
    }

    private static double sumExp(double[] x, int off, int n, double m) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[off + i] - m);
        }
        return s;
    }
}
