package dev.ganglion.engine.simd;

import static dev.ganglion.engine.testing.Fixtures.AWKWARD;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.ganglion.engine.testing.Fixtures.assertClose;
import static dev.ganglion.engine.testing.Fixtures.randomFloats;

import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.ScalarBinary;
import dev.ganglion.engine.testing.OpSamples;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SIMD vs scalar binary kernels for every stride pattern broadcasting produces, at awkward sizes. */
@Tag("parity")
class BinaryParityTest {
    private static final int[][] STRIDES = {{1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 3}, {0, 0}};

    private final SimdBinary simd = new SimdBinary();
    private final ScalarBinary scalar = new ScalarBinary();

    /** Inputs with ties, signed zeros and NaNs sprinkled in, so comparisons and max/min see them. */
    static float[] inputs(int n, long seed, boolean positive) {
        float[] x = randomFloats(n, seed);
        for (int i = 0; i < n; i++) {
            x[i] = positive ? Math.abs(x[i]) * 4 + 0.01f : Math.round(x[i] * 8) / 4f;
        }
        if (!positive && n > 5) {
            x[n / 3] = Float.NaN;
            x[n / 5] = -0f;
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void matchesScalarForEveryStridePattern(BinaryOp op) {
        boolean positive = op == BinaryOp.POW;
        double rtol = op == BinaryOp.POW ? 4e-6 : 0;
        double atol = OpSamples.binaryAtol(op);
        for (int[] st : STRIDES) {
            for (int n : AWKWARD) {
                int off = 2;
                float[] a = inputs(off + n * 3 + 1, n, positive);
                float[] b = inputs(off + n * 3 + 1, n + 99, positive);
                float[] want = new float[n + off];
                float[] got = new float[n + off];
                scalar.apply(op, a, off, st[0], b, off + 1, st[1], want, off, n);
                simd.apply(op, a, off, st[0], b, off + 1, st[1], got, off, n);
                assertClose(got, want, rtol, atol);
            }
        }
    }

    /**
     * The gelu gradients, tanh form and exact: every element, in a vector or not, contiguous or
     * strided, has the float twin's bits, and is within {@code tol·|a|} of the double reference for x
     * out to ±12 (where the slope's second term underflows); NaN at ±∞ and for NaN, as the reference.
     */
    @Test
    void geluGradsUseTheirTwinsEverywhere() {
        checkGeluGrad(BinaryOp.GELU_TANH_GRAD, SimdUnary::geluTanhSlope, 5e-6);
        checkGeluGrad(BinaryOp.GELU_GRAD, SimdErf::geluSlope, SimdErfTest.GELU_SLOPE_ATOL);
    }

    private void checkGeluGrad(BinaryOp op, SimdExpTest.FloatUnary slope, double tol) {
        for (int[] st : new int[][] {{1, 1}, {2, 1}, {1, 0}}) {
            // 2,500 spans the 1,024-element blocks of the two-pass loops and their tail
            for (int n : java.util.stream.IntStream.concat(java.util.Arrays.stream(AWKWARD), java.util.stream.IntStream.of(2500))
                    .toArray()) {
                float[] a = randomFloats(n * 2 + 1, n);
                float[] b = randomFloats(n * 2 + 1, n + 7);
                for (int i = 0; i < b.length; i++) {
                    b[i] *= 12;
                }
                if (n > 4) {
                    b[n / 2] = Float.POSITIVE_INFINITY;
                    b[n / 3] = Float.NaN;
                    b[n / 4] = 3e19f;   // x² overflows float; the second term is 0 there
                }
                float[] want = new float[n];
                float[] got = new float[n];
                scalar.apply(op, a, 0, st[0], b, 0, st[1], want, 0, n);
                simd.apply(op, a, 0, st[0], b, 0, st[1], got, 0, n);
                for (int i = 0; i < n; i++) {
                    float ai = a[i * st[0]];
                    float bi = b[i * st[1]];
                    assertThat(Float.floatToIntBits(got[i])).as("%s a %s, b %s", op, ai, bi)
                            .isEqualTo(Float.floatToIntBits(ai * slope.apply(bi)));
                    if (Float.isNaN(want[i])) {
                        assertThat(got[i]).as("%s b %s", op, bi).isNaN();
                    } else {
                        assertThat((double) Math.abs(got[i] - want[i])).as("%s a %s, b %s", op, ai, bi)
                                .isLessThanOrEqualTo(tol * Math.abs(ai) + 1e-30);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "MAXIMUM", "MUL"})
    void accumulatesInPlace(BinaryOp op) {
        for (int n : AWKWARD) {
            float[] acc = inputs(n, 5, false);
            float[] row = inputs(n, 6, false);
            float[] want = new float[n];
            scalar.apply(op, acc, 0, 1, row, 0, 1, want, 0, n);
            simd.apply(op, acc, 0, 1, row, 0, 1, acc, 0, n);
            assertClose(acc, want, 0, 0);
        }
    }

    @Test
    void whereMatchesForEveryStridePattern() {
        int[][] patterns = {{1, 1, 1}, {1, 0, 1}, {1, 1, 0}, {1, 0, 0}, {0, 1, 1}, {2, 1, 1}};
        for (int[] st : patterns) {
            for (int n : AWKWARD) {
                float[] c = inputs(n * 2 + 1, n, false);
                for (int i = 0; i < c.length; i += 3) {
                    c[i] = 0f;
                }
                float[] a = randomFloats(n * 2 + 1, 7);
                float[] b = randomFloats(n * 2 + 1, 8);
                float[] want = new float[n];
                float[] got = new float[n];
                scalar.where(c, 0, st[0], a, 1, st[1], b, 0, st[2], want, 0, n);
                simd.where(c, 0, st[0], a, 1, st[1], b, 0, st[2], got, 0, n);
                assertClose(got, want, 0, 0);
            }
        }
    }

    @Test
    void nanConditionPicksFirstOperand() {
        int n = 37;
        float[] c = new float[n];
        Arrays.fill(c, Float.NaN);
        c[3] = 0f;
        c[30] = -0f;
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        float[] b = new float[n];
        float[] got = new float[n];
        simd.where(c, 0, 1, a, 0, 1, b, 0, 1, got, 0, n);
        float[] want = a.clone();
        want[3] = 0f;
        want[30] = 0f;
        assertClose(got, want, 0, 0);
    }
}
