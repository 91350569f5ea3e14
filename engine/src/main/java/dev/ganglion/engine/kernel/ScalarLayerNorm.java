package dev.ganglion.engine.kernel;

/**
 * Reference {@link LayerNormKernel}: each float row is widened to double, normalised by
 * {@link #normalize} (or differentiated by {@link #backwardRow}) and rounded once to float on the
 * way out. {@link #normalize} and {@link #backwardRow} are also {@code Normalization}'s paths for
 * float64 rows.
 */
public final class ScalarLayerNorm implements LayerNormKernel {
    /** Creates the reference kernel; it holds no state. */
    public ScalarLayerNorm() {}

    @Override
    public void forward(int from, int to, int n, float[] x, int xOff, float[] w, float[] b, double eps, float[] y,
            int yOff, double[] mean, double[] rstd) {
        double[] wd = widen(w, 0, n, null);
        double[] bd = widen(b, 0, n, null);
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

    @Override
    public void backward(int from, int to, int n, float[] g, int gOff, float[] x, int xOff, double[] mean,
            double[] rstd, float[] w, float[] dx, int dxOff, double[] dw, double[] db) {
        double[] wd = widen(w, 0, n, null);
        double[] xr = new double[n];
        double[] gr = new double[n];
        for (int r = from; r < to; r++) {
            widen(x, xOff + r * n, n, xr);
            widen(g, gOff + r * n, n, gr);
            backwardRow(xr, gr, mean[r], rstd[r], wd, dw, db, dx != null);
            if (dx != null) {
                for (int i = 0; i < n; i++) {
                    dx[dxOff + r * n + i] = (float) gr[i];
                }
            }
        }
    }

    /**
     * One row's gradients, in double: {@code x} becomes {@code x̂ = (x − μ)·ρ}, {@code g·x̂} and g are
     * added to {@code dw} and {@code db} (where not null), and when {@code wantInput} g becomes
     * {@code ∂L/∂x = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))} with {@code ĝ = g·γ}, the two means summed in
     * index order.
     *
     * @param x the row of x, overwritten with x̂
     * @param g the row of ∂L/∂y, overwritten (with ∂L/∂x when {@code wantInput})
     * @param w γ, or null for 1
     * @param dw partial ∂L/∂γ to add to, or null
     * @param db partial ∂L/∂β to add to, or null
     */
    public static void backwardRow(double[] x, double[] g, double mu, double rho, double[] w, double[] dw,
            double[] db, boolean wantInput) {
        int n = x.length;
        double meanG = 0;
        double meanGX = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (x[i] - mu) * rho;                    // x̂
            if (dw != null) {
                dw[i] += g[i] * x[i];
            }
            if (db != null) {
                db[i] += g[i];
            }
            g[i] *= w == null ? 1 : w[i];               // ĝ
            meanG += g[i];
            meanGX += g[i] * x[i];
        }
        if (wantInput) {
            meanG /= n;
            meanGX /= n;
            for (int i = 0; i < n; i++) {
                g[i] = rho * (g[i] - meanG - x[i] * meanGX);
            }
        }
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
