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
 * {@link SimdLayerNorm}'s Javadoc states.
 */
@Tag("parity")
class LayerNormParityTest {
    private static final int[] SIZES = IntStream.concat(IntStream.of(AWKWARD), IntStream.of(9, 1000, 1023, 1024, 1025))
            .toArray();
    private static final int[] ROWS = {1, 3, 4};

    private final SimdLayerNorm simd = new SimdLayerNorm();
    private final ScalarLayerNorm scalar = new ScalarLayerNorm();

    /** One call of both kernels on rows × n values of x from element 5, compared row by row. */
    private void check(int rows, int n, float[] x, float[] w, float[] b, double eps) {
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
            // μ: both are within a double ulp or two of the mean once corrected by the residuals
            close("mean, " + where, gotMu[r], mu[r], 1e-15 * (Math.abs(mu[r]) + 1 / rho[r]));
            close("rstd, " + where, gotRho[r], rho[r], 1e-14 * rho[r]);
            for (int i = 0; i < n; i++) {
                double yWant = want[2 + r * n + i];
                double gamma = w == null ? 1 : Math.abs(w[i]);
                // one float ulp (the two may round on either side), plus the double differences of μ and ρ
                double tol = Math.ulp((float) yWant) + 1e-13 * gamma * (1 + Math.abs(mu[r]) * rho[r]);
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

    @Test
    void largeCommonOffset() {
        for (int n : SIZES) {
            float[] x = randomFloats(3 * n + 5, n);
            for (int i = 0; i < x.length; i++) {
                x[i] = 1e4f + x[i];
            }
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
    }
}
