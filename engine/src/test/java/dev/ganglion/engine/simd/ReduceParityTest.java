package dev.ganglion.engine.simd;

import static dev.ganglion.engine.testing.Fixtures.AWKWARD;
import static dev.ganglion.engine.testing.Fixtures.assertClose;
import static dev.ganglion.engine.testing.Fixtures.randomFloats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarReduce;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** SIMD vs scalar row kernels: sums, extremes and the softmax family, at awkward and long rows. */
@Tag("parity")
class ReduceParityTest {
    private static final int[] SIZES = IntStream.concat(IntStream.of(AWKWARD), IntStream.of(511, 512, 513, 1000, 4099))
            .toArray();

    private final SimdReduce simd = new SimdReduce();
    private final ScalarReduce scalar = new ScalarReduce();

    @Test
    void sumMaxMinMatch() {
        for (int n : SIZES) {
            float[] x = randomFloats(n + 3, n);
            double exact = 0;
            double abs = 0;
            for (int i = 3; i < n + 3; i++) {
                exact += x[i];
                abs += Math.abs(x[i]);
            }
            // Both are pairwise float sums: error a few ulp of Σ|x|, far below n·ulp.
            assertThat((double) simd.sum(x, 3, n)).isCloseTo(exact, org.assertj.core.data.Offset.offset(abs * 1e-6 + 1e-7));
            assertThat((double) scalar.sum(x, 3, n)).isCloseTo(exact, org.assertj.core.data.Offset.offset(abs * 1e-6 + 1e-7));
            assertThat(simd.max(x, 3, n)).isEqualTo(scalar.max(x, 3, n));
            assertThat(simd.min(x, 3, n)).isEqualTo(scalar.min(x, 3, n));
        }
    }

    @Test
    void nanPropagatesThroughMaxAndMin() {
        for (int n : SIZES) {
            float[] x = randomFloats(n, n);
            x[n - 1 - n / 3] = Float.NaN;
            assertThat(simd.max(x, 0, n)).isNaN();
            assertThat(simd.min(x, 0, n)).isNaN();
            assertThat(simd.sum(x, 0, n)).isNaN();
        }
    }

    @Test
    void softmaxFamilyMatches() {
        for (int n : SIZES) {
            for (float scale : new float[] {1f, 30f, 1000f}) {
                float[] x = randomFloats(n + 1, n * 31L);
                for (int i = 0; i < x.length; i++) {
                    x[i] *= scale;
                }
                float[] want = new float[n];
                float[] got = new float[n];
                scalar.softmax(x, 1, want, 0, n);
                simd.softmax(x, 1, got, 0, n);
                assertClose(got, want, 2e-5, 1e-30);
                scalar.logSoftmax(x, 1, want, 0, n);
                simd.logSoftmax(x, 1, got, 0, n);
                assertClose(got, want, 2e-6, 2e-6);
                assertThat((double) simd.logSumExp(x, 1, n))
                        .isCloseTo(scalar.logSumExp(x, 1, n), org.assertj.core.data.Offset.offset(2e-6 * (1 + scale)));
            }
        }
    }

    @Test
    void softmaxInPlace() {
        float[] x = randomFloats(100, 3);
        float[] want = new float[100];
        scalar.softmax(x, 0, want, 0, 100);
        simd.softmax(x, 0, x, 0, 100);
        assertClose(x, want, 2e-5, 1e-30);
    }

    @Test
    void extremeLogitsStayFinite() {
        for (int n : SIZES) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = i % 2 == 0 ? 1000f : -1000f;
            }
            float[] y = new float[n];
            simd.softmax(x, 0, y, 0, n);
            float total = 0;
            for (float v : y) {
                assertThat(v).isFinite();
                total += v;
            }
            assertThat(total).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            simd.logSoftmax(x, 0, y, 0, n);
            for (float v : y) {
                assertThat(v).isFinite();
            }
            assertThat(simd.logSumExp(x, 0, n)).isCloseTo(1000f + (float) Math.log((n + 1) / 2), org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    @Test
    void infiniteAndEmptyRows() {
        float[] neg = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertThat(simd.logSumExp(neg, 0, 2)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(simd.logSumExp(new float[] {Float.POSITIVE_INFINITY, 1f}, 0, 2)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(simd.logSumExp(new float[0], 0, 0)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(simd.sum(new float[0], 0, 0)).isZero();
    }
}
