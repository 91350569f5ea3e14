package dev.ganglion.engine.kernel;

import static dev.ganglion.engine.testing.Fixtures.assertClose;
import static dev.ganglion.engine.testing.Fixtures.randomFloats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.simd.SimdRankOneAttention;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link RankOneAttentionKernel}: the reference against the definition (softmax of the explicit
 * score matrix, and backward against central differences of forward), and the SIMD kernel against
 * the reference at row lengths around the vector width, on a sub-range of rows (the others
 * untouched).
 */
@Tag("parity")
class RankOneAttentionParityTest {
    private static final int[] LENGTHS = {1, 3, 15, 16, 17, 31, 32, 33, 48, 64};
    private static final int ROWS = 5;

    @Test
    void referenceMatchesTheDefinition() {
        int n = 7;
        double[] a = doubles(randomFloats(ROWS * n, 1), 3);
        double[] b = doubles(randomFloats(ROWS * n, 2), 3);
        double[] u = doubles(randomFloats(ROWS * n, 3), 1);
        double[] p = new double[ROWS * n * n];
        double[] o = new double[ROWS * n];
        ScalarRankOneAttention k = new ScalarRankOneAttention();
        k.forward(0, ROWS, n, a, b, u, p, o);
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < n; i++) {
                double z = 0;
                double oi = 0;
                for (int j = 0; j < n; j++) {
                    z += Math.exp(a[r * n + i] * b[r * n + j]);
                }
                for (int j = 0; j < n; j++) {
                    double pij = Math.exp(a[r * n + i] * b[r * n + j]) / z;
                    assertThat(p[(r * n + i) * n + j]).isCloseTo(pij, org.assertj.core.data.Offset.offset(1e-14));
                    oi += pij * u[r * n + j];
                }
                assertThat(o[r * n + i]).isCloseTo(oi, org.assertj.core.data.Offset.offset(1e-13));
            }
        }
        // backward of L = Σ g·o against central differences
        double[] g = doubles(randomFloats(ROWS * n, 4), 1);
        double[] da = new double[ROWS * n];
        double[] db = new double[ROWS * n];
        double[] du = new double[ROWS * n];
        k.backward(0, ROWS, n, a, b, u, p, o, g, da, db, du);
        double[][] inputs = {a, b, u};
        double[][] grads = {da, db, du};
        for (int t = 0; t < 3; t++) {
            for (int idx = 0; idx < ROWS * n; idx += 3) {
                double keep = inputs[t][idx];
                double h = 1e-6;
                inputs[t][idx] = keep + h;
                double up = loss(k, n, a, b, u, g);
                inputs[t][idx] = keep - h;
                double down = loss(k, n, a, b, u, g);
                inputs[t][idx] = keep;
                assertThat(grads[t][idx]).as("input %d, element %d", t, idx)
                        .isCloseTo((up - down) / (2 * h), org.assertj.core.data.Offset.offset(1e-7));
            }
        }
    }

    @Test
    void simdMatchesTheReference() {
        RankOneAttentionKernel simd = new SimdRankOneAttention();
        RankOneAttentionKernel ref = new ScalarRankOneAttention();
        for (int n : LENGTHS) {
            float[] a = scaled(randomFloats(ROWS * n, 10L + n), 4);
            float[] b = scaled(randomFloats(ROWS * n, 20L + n), 4);
            float[] u = randomFloats(ROWS * n, 30L + n);
            float[] g = randomFloats(ROWS * n, 40L + n);
            float[][] fw = new float[2][];
            float[][] bw = new float[2][];
            int c = 0;
            for (RankOneAttentionKernel k : new RankOneAttentionKernel[] {simd, ref}) {
                float[] p = nans(ROWS * n * n);
                float[] o = nans(ROWS * n);
                k.forward(1, ROWS - 1, n, a, b, u, p, o);
                float[] da = nans(ROWS * n);
                float[] db = nans(ROWS * n);
                float[] du = nans(ROWS * n);
                k.backward(1, ROWS - 1, n, a, b, u, p, o, g, da, db, du);
                fw[c] = concat(p, o);
                bw[c] = concat(da, db, du);
                c++;
            }
            assertClose(fw[0], fw[1], 1e-5, 1e-6);
            assertClose(bw[0], bw[1], 1e-4, 1e-5);
            // rows 0 and ROWS − 1 untouched
            assertThat(Float.isNaN(fw[0][0])).as("n %d: row 0 of p untouched", n).isTrue();
            assertThat(Float.isNaN(bw[0][bw[0].length - 1])).as("n %d: last row of du untouched", n).isTrue();
        }
    }

    private static double loss(RankOneAttentionKernel k, int n, double[] a, double[] b, double[] u, double[] g) {
        double[] p = new double[ROWS * n * n];
        double[] o = new double[ROWS * n];
        k.forward(0, ROWS, n, a, b, u, p, o);
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            s += g[i] * o[i];
        }
        return s;
    }

    private static double[] doubles(float[] x, double scale) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i] * scale;
        }
        return d;
    }

    private static float[] scaled(float[] x, float s) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= s;
        }
        return x;
    }

    private static float[] nans(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
