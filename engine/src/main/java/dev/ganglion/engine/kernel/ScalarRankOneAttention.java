package dev.ganglion.engine.kernel;

/**
 * Reference {@link RankOneAttentionKernel}: plain loops in double (float arrays are widened on the
 * way in and rounded once on the way out), also the SIMD kernel's path for float64 and for row
 * lengths it does not vectorise.
 */
public final class ScalarRankOneAttention implements RankOneAttentionKernel {
    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarRankOneAttention() {}

    @Override
    public void forward(int from, int to, int n, double[] a, double[] b, double[] u, double[] p, double[] o) {
        for (int r = from; r < to; r++) {
            int row = r * n;
            double hi = Double.NEGATIVE_INFINITY;
            double lo = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                hi = Math.max(hi, b[row + j]);
                lo = Math.min(lo, b[row + j]);
            }
            for (int i = 0; i < n; i++) {
                double ai = a[row + i];
                double max = ai >= 0 ? ai * hi : ai * lo;
                int k = (row + i) * n;
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    double e = Math.exp(ai * b[row + j] - max);
                    p[k + j] = e;
                    sum += e;
                }
                double inv = 1 / sum;
                double oi = 0;
                for (int j = 0; j < n; j++) {
                    p[k + j] *= inv;
                    oi += p[k + j] * u[row + j];
                }
                o[row + i] = oi;
            }
        }
    }

    @Override
    public void backward(int from, int to, int n, double[] a, double[] b, double[] u, double[] p, double[] o,
                         double[] g, double[] da, double[] db, double[] du) {
        for (int r = from; r < to; r++) {
            int row = r * n;
            for (int j = 0; j < n; j++) {
                db[row + j] = 0;
                du[row + j] = 0;
            }
            for (int i = 0; i < n; i++) {
                int k = (row + i) * n;
                double gi = g[row + i];
                double oi = o[row + i];
                double ai = a[row + i];
                double dai = 0;
                for (int j = 0; j < n; j++) {
                    double pg = p[k + j] * gi;
                    du[row + j] += pg;
                    double ds = pg * (u[row + j] - oi);
                    dai += ds * b[row + j];
                    db[row + j] += ds * ai;
                }
                da[row + i] = dai;
            }
        }
    }

    @Override
    public void forward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o) {
        int rows = to - from;
        double[] pd = new double[rows * n * n];
        double[] od = new double[rows * n];
        forward(0, rows, n, slice(a, from, rows, n), slice(b, from, rows, n), slice(u, from, rows, n), pd, od);
        store(pd, p, from * n * n);
        store(od, o, from * n);
    }

    @Override
    public void backward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o, float[] g,
                         float[] da, float[] db, float[] du) {
        int rows = to - from;
        double[] dad = new double[rows * n];
        double[] dbd = new double[rows * n];
        double[] dud = new double[rows * n];
        double[] pd = slice(p, from, rows, n * n); // row r's n×n block is a "row" of n·n values
        backward(0, rows, n, slice(a, from, rows, n), slice(b, from, rows, n), slice(u, from, rows, n), pd,
                slice(o, from, rows, n), slice(g, from, rows, n), dad, dbd, dud);
        store(dad, da, from * n);
        store(dbd, db, from * n);
        store(dud, du, from * n);
    }

    /** Rows {@code [from, from + rows)} of {@code n} values each, widened to double. */
    private static double[] slice(float[] x, int from, int rows, int n) {
        double[] d = new double[rows * n];
        for (int k = 0; k < d.length; k++) {
            d[k] = x[from * n + k];
        }
        return d;
    }

    private static void store(double[] d, float[] x, int at) {
        for (int k = 0; k < d.length; k++) {
            x[at + k] = (float) d[k];
        }
    }
}
