package dev.ganglion.engine.ops;

import static dev.ganglion.engine.ops.Ref.assertValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Layer normalisation against float64 loops over the rows (values in float64 and float32, every
 * normalized rank, γ and β present or not, strided input, a large offset, equal rows, empty shapes),
 * the backward at several threads against the same loops, and the errors. Its gradients are checked
 * by central differences in autodiff's op harness.
 */
class NormalizationTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** Per row of n: {μ, ρ} then y, all in double, two-pass. */
    private static double[] referenceForward(double[] x, int n, double[] w, double[] b, double eps, double[] mean,
            double[] rstd) {
        double[] y = new double[x.length];
        for (int r = 0; r * n < x.length; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[r * n + i];
            }
            double mu = s / n;
            double q = 0;
            for (int i = 0; i < n; i++) {
                q += (x[r * n + i] - mu) * (x[r * n + i] - mu);
            }
            double rho = 1 / Math.sqrt(q / n + eps);
            for (int i = 0; i < n; i++) {
                y[r * n + i] = (x[r * n + i] - mu) * rho * (w == null ? 1 : w[i]) + (b == null ? 0 : b[i]);
            }
            mean[r] = mu;
            rstd[r] = rho;
        }
        return y;
    }

    private static double[] values(Tensor t) {
        return t == null ? null : t.toDoubleArray();
    }

    private static void checkForward(Tensor x, int[] norm, Tensor w, Tensor b, double eps, double rtol) {
        int n = Shape.of(norm).size();
        int rows = x.size() / n;
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        double[] expected = referenceForward(x.toDoubleArray(), n, values(w), values(b), eps, mean, rstd);
        Normalization.LayerNorm out = Normalization.layerNorm(x, norm, w, b, eps);
        assertValues(out.y(), x.shape(), x.dtype(), expected, rtol, rtol);
        Shape lead = Shape.of(Arrays.copyOf(x.shape().dims(), x.rank() - norm.length));
        assertValues(out.mean(), lead, DType.F64, mean, 1e-14, 1e-14);
        assertValues(out.rstd(), lead, DType.F64, rstd, 1e-13, 0);
    }

    @Test
    void everyNormalizedRankWithAndWithoutWeightAndBias() {
        for (DType dtype : DType.values()) {
            double rtol = dtype == DType.F64 ? 1e-13 : 1e-6;
            Tensor x = Ref.random(dtype, 1, 2, 3, 4);
            checkForward(x, new int[] {4}, Ref.random(dtype, 2, 4), Ref.random(dtype, 3, 4), 1e-5, rtol);
            checkForward(x, new int[] {3, 4}, Ref.random(dtype, 4, 3, 4), null, 1e-5, rtol);
            checkForward(x, new int[] {2, 3, 4}, null, Ref.random(dtype, 5, 2, 3, 4), 0.1, rtol);
            checkForward(x, new int[] {4}, null, null, 0, rtol);
            checkForward(Ref.random(dtype, 6, 7), new int[] {7}, null, null, 1e-5, rtol);
        }
    }

    @Test
    void stridedInputsAreNormalisedAsTheirValues() {
        Tensor x = Ref.random(DType.F64, 7, 5, 3).transpose(0, 1); // [3, 5], rows strided
        Tensor w = Ref.random(DType.F64, 8, 10).slice(0, 0, 10, 2);
        assertThat(x.isContiguous() || w.isContiguous()).isFalse();
        checkForward(x, new int[] {5}, w, null, 1e-5, 1e-13);
    }

    @Test
    void float32KeepsTheVarianceUnderALargeOffset() {
        // 10⁴ + noise of ±0.05: float's E[x²] − μ² loses every digit of σ² ≈ 10⁻³ (ulp of 10⁸ is 8)
        SplittableRandom random = new SplittableRandom(3);
        float[] v = new float[4 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (1e4 + random.nextDouble(-0.05, 0.05));
        }
        checkForward(Tensor.of(v, 4, 64), new int[] {64}, null, null, 1e-5, 2e-6);
    }

    @Test
    void float64MeansAreTheSumsCorrectlyRounded() {
        // 10⁴ + noise: a plain Σx/n of these rows is 4, 10, 3, 2 and 1 ulp off; corrected by the mean
        // residual, each is the exact mean rounded
        int n = 4096;
        for (int seed = 0; seed < 5; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] v = new double[n];
            BigDecimal sum = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                v[i] = 1e4 + random.nextDouble(-0.05, 0.05);
                sum = sum.add(new BigDecimal(v[i]));
            }
            double exact = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
            Tensor x = Tensor.wrap(v, Shape.of(1, n));
            assertThat(Normalization.layerNorm(x, new int[] {n}, null, null, 1e-5).mean().item()).isEqualTo(exact);
        }
    }

    @Test
    void equalRowsGiveTheBiasAndNaNWithoutEps() {
        Tensor x = Tensor.of(new float[] {3, 3, 3, 1, 2, 3}, 2, 3);
        Tensor b = Tensor.of(new float[] {0.5f, -1, 2}, 3);
        float[] y = Normalization.layerNorm(x, new int[] {3}, null, b, 1e-5).y().toFloatArray();
        assertThat(Arrays.copyOf(y, 3)).containsExactly(0.5f, -1, 2);
        float[] noEps = Normalization.layerNorm(x, new int[] {3}, null, null, 0).y().toFloatArray();
        assertThat(Arrays.copyOf(noEps, 3)).containsOnly(Float.NaN);
        assertThat(noEps[3]).isEqualTo((float) -Math.sqrt(1.5));
    }

    @Test
    void emptyShapes() {
        Normalization.LayerNorm noRows = Normalization.layerNorm(Tensor.zeros(0, 4), new int[] {4}, null, null, 1e-5);
        assertThat(noRows.y().shape()).isEqualTo(Shape.of(0, 4));
        assertThat(noRows.mean().shape()).isEqualTo(Shape.of(0));
        Normalization.LayerNormGrads g = Normalization.layerNormBackward(Tensor.zeros(0, 4), Tensor.zeros(0, 4),
                noRows.mean(), noRows.rstd(), Tensor.ones(4), true, true, true);
        assertThat(g.input().shape()).isEqualTo(Shape.of(0, 4));
        assertThat(g.weight().toFloatArray()).containsOnly(0f);
        assertThat(g.bias().toFloatArray()).containsOnly(0f);
        Normalization.LayerNorm emptyRows = Normalization.layerNorm(Tensor.zeros(3, 0), new int[] {0}, null, null, 1e-5);
        assertThat(emptyRows.y().shape()).isEqualTo(Shape.of(3, 0));
        assertThat(emptyRows.mean().shape()).isEqualTo(Shape.of(3));
    }

    /** dx, dγ, dβ by the rule's formula, row by row in double. */
    private static double[][] referenceBackward(double[] g, double[] x, int n, double[] w, double[] mean, double[] rstd) {
        double[] dx = new double[x.length];
        double[] dw = new double[n];
        double[] db = new double[n];
        for (int r = 0; r < mean.length; r++) {
            double a = 0;
            double c = 0;
            for (int i = 0; i < n; i++) {
                double xh = (x[r * n + i] - mean[r]) * rstd[r];
                double gh = g[r * n + i] * w[i];
                a += gh / n;
                c += gh * xh / n;
                dw[i] += g[r * n + i] * xh;
                db[i] += g[r * n + i];
            }
            for (int i = 0; i < n; i++) {
                double xh = (x[r * n + i] - mean[r]) * rstd[r];
                dx[r * n + i] = rstd[r] * (g[r * n + i] * w[i] - a - xh * c);
            }
        }
        return new double[][] {dx, dw, db};
    }

    @Test
    void backwardOverManyRowBlocksMatchesTheRowLoopsAtAnyThreadCount() {
        // float64 rows through ScalarLayerNorm.backwardRow, float32 through the active LayerNormKernel
        backwardOverManyRowBlocks(DType.F64, 1e-12);
        backwardOverManyRowBlocks(DType.F32, 1e-6);
    }

    private void backwardOverManyRowBlocks(DType dtype, double tol) {
        // 3001 rows of 37: 111,037 elements, past the grain, so the rows run in parallel blocks
        int rows = 3001;
        int n = 37;
        Tensor x = Ref.random(dtype, 11, rows, n);
        Tensor w = Ref.random(dtype, 12, n);
        Tensor g = Ref.random(dtype, 13, rows, n);
        Normalization.LayerNorm f = Normalization.layerNorm(x, new int[] {n}, w, null, 1e-5);
        double[][] expected = referenceBackward(g.toDoubleArray(), x.toDoubleArray(), n, w.toDoubleArray(),
                f.mean().toDoubleArray(), f.rstd().toDoubleArray());
        double[][] first = null;
        for (int threads : new int[] {1, 3, 8}) {
            Parallel.setThreads(threads);
            Normalization.LayerNormGrads d = Normalization.layerNormBackward(g, x, f.mean(), f.rstd(), w, true, true, true);
            assertValues(d.input(), x.shape(), dtype, expected[0], tol, tol);
            assertValues(d.weight(), Shape.of(n), dtype, expected[1], tol, tol);
            assertValues(d.bias(), Shape.of(n), dtype, expected[2], tol, tol);
            double[][] got = {d.input().toDoubleArray(), d.weight().toDoubleArray(), d.bias().toDoubleArray(),
                Normalization.layerNorm(x, new int[] {n}, w, null, 1e-5).y().toDoubleArray()};
            if (first == null) {
                first = got;
            }
            for (int k = 0; k < got.length; k++) {
                assertThat(got[k]).as("%s result %d at %d threads, bit for bit as at one", dtype, k, threads)
                        .isEqualTo(first[k]);
            }
        }
    }

    @Test
    void backwardComputesOnlyWhatIsAskedFor() {
        Tensor x = Ref.random(DType.F32, 14, 2, 3);
        Normalization.LayerNorm f = Normalization.layerNorm(x, new int[] {3}, null, null, 1e-5);
        Normalization.LayerNormGrads d = Normalization.layerNormBackward(x, x, f.mean(), f.rstd(), null, false, false, true);
        assertThat(d.input()).isNull();
        assertThat(d.weight()).isNull();
        assertThat(d.bias().dtype()).isEqualTo(DType.F32);
        assertThat(d.bias().toDoubleArray()).containsExactly(x.get(0, 0) + x.get(1, 0), x.get(0, 1) + x.get(1, 1),
                x.get(0, 2) + x.get(1, 2));
    }

    @Test
    void badArgumentsAreRefusedNamingTheShapes() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {3}, null, null, 1e-5))
                .hasMessage("layerNorm: normalized shape [3] needs x of shape [*, 3], got [2, 3, 4]");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {1, 2, 3, 4}, null, null, 1e-5))
                .hasMessage("layerNorm: normalized shape [1, 2, 3, 4] needs x of shape [*, 1, 2, 3, 4], got [2, 3, 4]");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[0], null, null, 1e-5))
                .hasMessageStartingWith("layerNorm: the normalized shape is empty");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {-4}, null, null, 1e-5))
                .hasMessageStartingWith("layerNorm: negative dimension in shape [-4]");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {4}, Tensor.zeros(3), null, 1e-5))
                .hasMessageStartingWith("layerNorm: weight of shape [3] for normalized shape [4] (x [2, 3, 4])");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {3, 4}, null, Tensor.zeros(4), 1e-5))
                .hasMessageStartingWith("layerNorm: bias of shape [4] for normalized shape [3, 4] (x [2, 3, 4])");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {4}, Tensor.zeros(Shape.of(4), DType.F64), null, 1e-5))
                .hasMessageStartingWith("layerNorm: weight: dtype mismatch, F32[2, 3, 4] vs F64[4]");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {4}, null, null, -1e-5))
                .hasMessage("layerNorm: eps must be ≥ 0, got -1.0E-5 for normalized shape [4]");
        assertThatThrownBy(() -> Normalization.layerNorm(x, new int[] {4}, null, null, Double.NaN))
                .hasMessage("layerNorm: eps must be ≥ 0, got NaN for normalized shape [4]");
        Normalization.LayerNorm f = Normalization.layerNorm(x, new int[] {4}, null, null, 1e-5);
        assertThatThrownBy(() -> Normalization.layerNormBackward(Tensor.zeros(2, 3), x, f.mean(), f.rstd(), null,
                true, false, false)).hasMessageStartingWith("layerNormBackward: g [2, 3], x [2, 3, 4], mean [2, 3]");
        assertThatThrownBy(() -> Normalization.layerNormBackward(x, x, f.mean(), f.rstd(), null, true, true, false))
                .hasMessage("layerNormBackward: the weight gradient is asked for without a weight (x [2, 3, 4])");
        assertThatThrownBy(() -> Normalization.layerNormBackward(x, x, f.mean().to(DType.F32), f.rstd(), null,
                true, false, false)).hasMessageStartingWith("layerNormBackward: mean F32[2, 3] and rstd F64[2, 3]");
    }
}
