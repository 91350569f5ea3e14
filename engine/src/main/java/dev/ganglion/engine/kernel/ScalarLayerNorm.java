package dev.ganglion.engine.kernel;

/**
 * Reference {@link LayerNormKernel}: each float row is widened to double, normalised by
 * {@link #normalize} and rounded once to float on the way out. {@link #normalize} is also
 * {@code Normalization}'s path for float64 rows.
 */
public final class ScalarLayerNorm implements LayerNormKernel {
    /** Creates the reference kernel; it holds no state. */
    public ScalarLayerNorm() {}

    @Override
    public void forward(int from, int to, int n, float[] x, int xOff, float[] w, float[] b, double eps, float[] y,
            int yOff, double[] mean, double[] rstd) {
        double[] wd = widen(w, 0, w == null ? 0 : n, null);
        double[] bd = widen(b, 0, b == null ? 0 : n, null);
        double[] row = new double[n];
        for (int r = from; r < to; r++) {
            widen(x, xOff + r * n, n, row);
            normalize(row, wd, bd, eps, mean, rstd, r);
            for (int i = 0; i < n; i++) {
                y[yOff + r * n + i] = (float) row[i];
            }
        }
    }

    /**
     * One row normalised in place, in double: μ as the sum over n corrected by the mean of the
     * residuals {@code x − μ} (which recovers the rounding of the sum), σ² from the squared
     * deviations, never {@code E[x²] − μ²}; then {@code yᵢ = (xᵢ − μ)·ρ·γᵢ + βᵢ}. μ and ρ go to
     * {@code mean[r]} and {@code rstd[r]}.
     *
     * @param w γ, or null for 1
     * @param b β, or null for 0
     */
    public static void normalize(double[] row, double[] w, double[] b, double eps, double[] mean, double[] rstd,
            int r) {
        int n = row.length;
        double mu = 0;
        for (double v : row) {
            mu += v;
        }
        mu /= n;
        double residual = 0; // the rounding error of the sum, recovered: x − μ is exact near μ
        for (double v : row) {
            residual += v - mu;
        }
        mu += residual / n;
        double squares = 0;
        for (double v : row) {
            squares += (v - mu) * (v - mu);
        }
        double rho = 1 / Math.sqrt(squares / n + eps);
        for (int i = 0; i < n; i++) {
            row[i] = (row[i] - mu) * rho * (w == null ? 1 : w[i]) + (b == null ? 0 : b[i]);
        }
        mean[r] = mu;
        rstd[r] = rho;
    }

    /** {@code a[off … off+n)} as doubles into {@code into} (a new array when null); null for a null a. */
    private static double[] widen(float[] a, int off, int n, double[] into) {
        if (a == null) {
            return null;
        }
        double[] out = into == null ? new double[n] : into;
        for (int i = 0; i < n; i++) {
            out[i] = a[off + i];
        }
        return out;
    }
}
