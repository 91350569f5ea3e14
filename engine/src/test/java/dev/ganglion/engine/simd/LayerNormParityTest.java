package dev.ganglion.engine.simd;

import static dev.ganglion.engine.testing.Fixtures.AWKWARD;
import static dev.ganglion.engine.testing.Fixtures.randomFloats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarLayerNorm;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIMD vs scalar layer-norm rows (float32): awkward and long row lengths, several row counts, γ and
 * β present or not, an input offset, a large common offset and equal rows; within the bounds that
 * {@link SimdLayerNorm}'s Javadoc states. The backward likewise, with each gradient asked for or not:
 * ∂L/∂γ and ∂L/∂β bit for bit, ∂L/∂x within the stated bound.
 */
@Tag("parity")
class LayerNormParityTest {
    private static final int[] SIZES = IntStream.concat(IntStream.of(AWKWARD), IntStream.of(9, 1000, 1023, 1024, 1025))
            .toArray();
    private static final int[] ROWS = {1, 3, 4};

    private final SimdLayerNorm simd = new SimdLayerNorm();
    private final ScalarLayerNorm scalar = new ScalarLayerNorm();

    /** Tolerances of a row: for μ, for ρ, and the double part of y's (to be scaled by |γ|). */
    private record Tolerance(double mean, double rstd, double y) {}

    /** A row's {@link Tolerance} from n, its μ and ρ, and the largest |x| of the row. */
    private interface Bounds {
        Tolerance of(int n, double mu, double rho, double maxAbs);
    }

    /** Far inside the stated bounds, and met at the lengths of {@link #SIZES}. */
    private static final Bounds TIGHT = (n, mu, rho, maxAbs) ->
            new Tolerance(1e-15 * (Math.abs(mu) + 1 / rho), 1e-14 * rho, 1e-13 * (1 + Math.abs(mu) * rho));

    /**
     * The bounds {@link SimdLayerNorm}'s Javadoc states, which grow with n: μ within
     * {@code n·2⁻⁵²·max|x|}, ρ within a relative {@code n·2⁻⁵¹}, and y by what those move
     * {@code (x − μ)·ρ}.
     */
    private static final Bounds STATED = (n, mu, rho, maxAbs) -> {
        double dMu = n * 0x1p-52 * maxAbs;
        double relRho = n * 0x1p-51;
        return new Tolerance(dMu, relRho * rho, rho * (dMu + (maxAbs + Math.abs(mu)) * relRho));
    };

    /** One call of both kernels on rows × n values of x from element 5, compared row by row. */
    private void check(int rows, int n, float[] x, float[] w, float[] b, double eps) {
        check(rows, n, x, w, b, eps, TIGHT);
    }

    /** {@link #check(int, int, float[], float[], float[], double)} within the given bounds. */
    private void check(int rows, int n, float[] x, float[] w, float[] b, double eps, Bounds bounds) {
        float[] want = new float[rows * n + 2];
        float[] got = new float[rows * n + 2];
        double[] mu = new double[rows];
        double[] rho = new double[rows];
        double[] gotMu = new double[rows];
        double[] gotRho = new double[rows];
        scalar.forward(0, rows, n, x, 5, w, b, eps, want, 2, mu, rho);
        simd.forward(0, rows, n, x, 5, w, b, eps, got, 2, gotMu, gotRho);
        for (int r = 0; r < rows; r++) {
            String where = "n " + n + ", row " + r + " of " + rows;
            double maxAbs = 0;
            for (int i = 0; i < n; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(x[5 + r * n + i]));
            }
            Tolerance t = bounds.of(n, mu[r], rho[r], maxAbs);
            // μ: both are within a double ulp or two of the mean once corrected by the residuals
            close("mean, " + where, gotMu[r], mu[r], t.mean());
            close("rstd, " + where, gotRho[r], rho[r], t.rstd());
            for (int i = 0; i < n; i++) {
                double yWant = want[2 + r * n + i];
                double gamma = w == null ? 1 : Math.abs(w[i]);
                // one float ulp (the two may round on either side), plus the double differences of μ and ρ
                double tol = Math.ulp((float) yWant) + gamma * t.y();
                close("y[" + i + "], " + where, got[2 + r * n + i], yWant, tol);
            }
        }
        assertThat(got[0]).isZero();
        assertThat(got[1]).isZero();
    }

    /** Within tol, or equal where the reference is not finite (a single element with ε = 0: ρ = ∞, y NaN). */
    private static void close(String what, double actual, double expected, double tol) {
        if (Double.isFinite(expected) && Double.isFinite(tol)) {
            assertThat(actual).as(what).isCloseTo(expected, org.assertj.core.data.Offset.offset(tol));
        } else {
            assertThat((Double) actual).as(what).isEqualTo((Double) expected);
        }
    }

    @Test
    void awkwardLengthsWithAndWithoutWeightAndBias() {
        for (int n : SIZES) {
            for (int rows : ROWS) {
                float[] x = randomFloats(rows * n + 5, 31L * n + rows);
                float[] w = randomFloats(n, n);
                float[] b = randomFloats(n, 7L * n);
                check(rows, n, x, w, b, 1e-5);
                check(rows, n, x, null, null, 1e-5);
                check(rows, n, x, w, null, 0.1);
                check(rows, n, x, null, b, 0);
            }
        }
    }

    /** Three rows of n values from element 5 (and 5 before), each 1e4 plus noise in [-1, 1). */
    private static float[] offsetRows(int n) {
        float[] x = randomFloats(3 * n + 5, n);
        for (int i = 0; i < x.length; i++) {
            x[i] = 1e4f + x[i];
        }
        return x;
    }

    @Test
    void largeCommonOffset() {
        for (int n : SIZES) {
            float[] x = offsetRows(n);
            check(3, n, x, randomFloats(n, 3L * n), randomFloats(n, 5L * n), 1e-5);
        }
    }

    @Test
    void equalRowsGiveBeta() {
        for (int n : SIZES) {
            float[] x = new float[2 * n + 5];
            java.util.Arrays.fill(x, 0.3f);
            float[] b = randomFloats(n, n);
            check(2, n, x, randomFloats(n, 2L * n), b, 1e-5);
            float[] y = new float[2 * n];
            double[] rho = new double[2];
            simd.forward(0, 2, n, x, 5, null, b, 1e-5, y, 0, new double[2], rho);
            assertThat(rho[0]).isEqualTo(1 / Math.sqrt(1e-5));
            for (int i = 0; i < n; i++) {
                assertThat(y[n + i]).isEqualTo(b[i]);
            }
        }
    }

    @Test
    void aRowDoesNotDependOnTheRowsOfItsCall() {
        int rows = 5;
        int n = 1023;
        float[] x = randomFloats(rows * n + 5, 11);
        float[] w = randomFloats(n, 12);
        float[] all = new float[rows * n];
        float[] one = new float[rows * n];
        double[] mu = new double[rows];
        double[] rho = new double[rows];
        double[] mu1 = new double[rows];
        double[] rho1 = new double[rows];
        simd.forward(0, rows, n, x, 5, w, null, 1e-5, all, 0, mu, rho);
        for (int r = rows - 1; r >= 0; r--) {
            simd.forward(r, r + 1, n, x, 5, w, null, 1e-5, one, 0, mu1, rho1);
        }
        assertThat(one).isEqualTo(all);
        assertThat(mu1).isEqualTo(mu);
        assertThat(rho1).isEqualTo(rho);
        // the backward one row a call, adding into the same partial sums in row order: the same bits
        float[] g = randomFloats(rows * n + 3, 22);
        double[] dw = new double[n];
        double[] db = new double[n];
        double[] dw1 = new double[n];
        double[] db1 = new double[n];
        simd.backward(0, rows, n, g, 3, x, 5, mu, rho, w, all, 0, dw, db);
        for (int r = 0; r < rows; r++) {
            simd.backward(r, r + 1, n, g, 3, x, 5, mu, rho, w, one, 0, dw1, db1);
        }
        assertThat(one).isEqualTo(all);
        assertThat(dw1).isEqualTo(dw);
        assertThat(db1).isEqualTo(db);
    }

    // ---------------------------------------------------------------- backward

    /**
     * One backward call of both kernels on rows × n values (g from element 3, x from 5, ∂L/∂x to 2),
     * adding into partial sums that start non-zero.
     */
    private void checkBackward(int rows, int n, float[] g, float[] x, float[] w, boolean wantDx, boolean wantDw,
            boolean wantDb) {
        double[] mu = new double[rows];
        double[] rho = new double[rows];
        scalar.forward(0, rows, n, x, 5, w, null, 1e-5, new float[rows * n], 0, mu, rho);
        float[] want = wantDx ? new float[rows * n + 2] : null;
        float[] got = wantDx ? new float[rows * n + 2] : null;
        float[] seed = randomFloats(n, 3L * n);
        double[] start = IntStream.range(0, n).mapToDouble(i -> seed[i] / 3.0).toArray();
        double[] dwWant = wantDw ? start.clone() : null;
        double[] dwGot = wantDw ? start.clone() : null;
        double[] dbWant = wantDb ? start.clone() : null;
        double[] dbGot = wantDb ? start.clone() : null;
        scalar.backward(0, rows, n, g, 3, x, 5, mu, rho, w, want, 2, dwWant, dbWant);
        simd.backward(0, rows, n, g, 3, x, 5, mu, rho, w, got, 2, dwGot, dbGot);
        String what = "n " + n + ", " + rows + " rows, weight " + (w != null);
        assertThat(dwGot).as("dw, " + what).isEqualTo(dwWant);
        assertThat(dbGot).as("db, " + what).isEqualTo(dbWant);
        if (!wantDx) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            double[] xh = new double[n];
            double[] gh = new double[n];
            double meanAbsG = 0;
            double meanAbsGX = 0;
            for (int i = 0; i < n; i++) {
                xh[i] = (x[5 + r * n + i] - mu[r]) * rho[r];
                gh[i] = g[3 + r * n + i] * (w == null ? 1 : (double) w[i]);
                meanAbsG += Math.abs(gh[i]) / n;
                meanAbsGX += Math.abs(gh[i] * xh[i]) / n;
            }
            for (int i = 0; i < n; i++) {
                double dxWant = want[2 + r * n + i];
                double terms = meanAbsG + Math.abs(xh[i]) * meanAbsGX;
                // the stated bound, plus a few double ulps of the terms for the steps after the means
                double tol = Math.ulp((float) dxWant) + rho[r] * (n * 0x1p-52 * terms + 0x1p-50 * (Math.abs(gh[i]) + terms));
                close("dx[" + i + "], row " + r + ", " + what, got[2 + r * n + i], dxWant, tol);
            }
        }
        assertThat(got[0]).isZero();
        assertThat(got[1]).isZero();
    }

    @Test
    void backwardAwkwardLengthsEachGradientWithAndWithoutWeight() {
        for (int n : SIZES) {
            for (int rows : ROWS) {
                float[] x = randomFloats(rows * n + 5, 41L * n + rows);
                float[] g = randomFloats(rows * n + 3, 43L * n + rows);
                float[] w = randomFloats(n, 47L * n);
                for (int mask = 0; mask < 8; mask++) {
                    boolean dx = (mask & 1) != 0;
                    boolean dw = (mask & 2) != 0;
                    boolean db = (mask & 4) != 0;
                    checkBackward(rows, n, g, x, w, dx, dw, db);
                    checkBackward(rows, n, g, x, null, dx, dw, db);
                }
            }
        }
    }

    /**
     * Rows longer than one {@link SimdLayerNorm#BLOCK}, which each pass widens again a block at a
     * time, forward and backward, within the stated bounds (at these lengths the sums' rounding
     * outgrows {@link #TIGHT}).
     */
    @Test
    void rowsLongerThanOneBlock() {
        for (int n : new int[] {SimdLayerNorm.BLOCK + 9, 2 * SimdLayerNorm.BLOCK + 17}) {
            float[] x = randomFloats(3 * n + 5, 53L * n);
            float[] w = randomFloats(n, 59L * n);
            check(3, n, x, w, randomFloats(n, 61L * n), 1e-5, STATED);
            check(3, n, x, null, null, 1e-5, STATED);
            check(3, n, offsetRows(n), w, null, 1e-5, STATED);
            float[] g = randomFloats(3 * n + 3, 67L * n);
            checkBackward(3, n, g, x, w, true, true, true);
            checkBackward(3, n, g, x, null, true, false, true);
            checkBackward(3, n, g, x, w, false, true, false);
        }
    }

    @Test
    void backwardLargeCommonOffset() {
        for (int n : SIZES) {
            float[] x = offsetRows(n);
            checkBackward(3, n, randomFloats(3 * n + 3, 2L * n), x, randomFloats(n, 3L * n), true, true, true);
        }
    }
}
