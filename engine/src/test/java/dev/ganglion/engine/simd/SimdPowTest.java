package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.Fixtures;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link SimdPow}: the vector functions equal the scalar twin bit for bit, for a sweep of bases and
 * many exponents, so a result cannot depend on whether the code runs interpreted or compiled;
 * accuracy against {@link Math#pow} (measured: 0.5001 ulp at worst); special values and the
 * fallback lanes; and the unary and binary kernels at awkward lengths and strides.
 */
@Tag("parity")
class SimdPowTest {
    /** Correctly rounded but where the exact result lies within 10⁻³ ulp of a midpoint between floats (the double computation's error is ~10⁻¹¹). */
    private static final double BOUND = 0.501;
    private static final double[] EXPONENTS = {0.5, -0.5, 1, -1, 3, -3, 1.5, 0.1, 1e-3, 7.25, -20.5, 100, 1e6, -1e6,
        1 / 3.0, 0x1.fffffep-1, 0};

    /** Every 997th positive float as base, against each exponent; and random bases against random exponents. */
    @Test
    void vectorEqualsScalarTwinAndIsCorrectlyRoundedButNearMidpoints() {
        int lanes = Simd.LANES;
        float[] x = new float[lanes];
        float[] y = new float[lanes];
        double worst = 0;
        for (double p : EXPONENTS) {
            for (long b = 0; b < 0x7F80_0000L; ) {
                for (int j = 0; j < lanes; j++, b += 997) {
                    x[j] = Float.intBitsToFloat((int) Math.min(b, 0x7F7F_FFFFL));
                    y[j] = (float) p;
                }
                float[] byVector = new float[lanes];
                float[] byScalar = new float[lanes];
                SimdPow.pow(x, 0, y, 0, byVector, 0);
                SimdPow.pow(x, 0, (double) (float) p, byScalar, 0);
                for (int j = 0; j < lanes; j++) {
                    float twin = SimdPow.pow(x[j], y[j]);
                    assertThat(Float.floatToIntBits(byVector[j])).as("pow(%s, %s)", x[j], y[j]).isEqualTo(Float.floatToIntBits(twin));
                    assertThat(Float.floatToIntBits(byScalar[j])).as("pow(%s, %s)", x[j], y[j]).isEqualTo(Float.floatToIntBits(twin));
                    worst = Math.max(worst, SimdExpTest.ulpError(twin, Math.pow(x[j], y[j])));
                }
            }
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 200_000; trial++) {
            float xs = Float.intBitsToFloat(r.nextInt(1, 0x7F80_0000));
            float ys = (float) ((r.nextDouble() - 0.5) * (trial % 2 == 0 ? 8 : 400));
            worst = Math.max(worst, SimdExpTest.ulpError(SimdPow.pow(xs, ys), Math.pow(xs, ys)));
        }
        assertThat(worst).isLessThanOrEqualTo(BOUND);
    }

    @Test
    void specialValuesAreC99PowsAndTheVectorAgrees() {
        float[] values = {0f, -0f, 1f, -1f, 2f, -2f, 0.5f, -0.5f, 3f, -3f, Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN};
        for (float xv : values) {
            float[] x = new float[values.length];
            Arrays.fill(x, xv);
            for (int j = 0; j < values.length; j++) {
                float yv = values[j];
                float got = SimdPow.pow(xv, yv);
                double want = BinaryOp.pow(xv, yv);
                assertThat(SimdExpTest.ulpError(got, want)).as("pow(%s, %s) = %s, Math %s", xv, yv, got, want)
                        .isLessThanOrEqualTo(BOUND);
                if (Double.isInfinite(want) || want == 0 || Double.isNaN(want) || Math.abs(want) == 1) {
                    assertThat(Float.floatToIntBits(got)).as("pow(%s, %s)", xv, yv).isEqualTo(Float.floatToIntBits((float) want));
                }
            }
            float[] vec = vectorPow(x, values);
            for (int j = 0; j < values.length; j++) {
                assertThat(Float.floatToIntBits(vec[j])).as("vector pow(%s, %s)", xv, values[j])
                        .isEqualTo(Float.floatToIntBits(SimdPow.pow(xv, values[j])));
            }
        }
        // C99 and PyTorch, where Java's Math.pow gives NaN
        assertThat(SimdPow.pow(1f, Double.NaN)).isEqualTo(1f);
        assertThat(SimdPow.pow(1f, Double.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(SimdPow.pow(-1f, Double.NEGATIVE_INFINITY)).isEqualTo(1f);
        assertThat(SimdPow.pow(Float.NaN, 0)).isEqualTo(1f);
        assertThat(SimdPow.pow(-1f, Double.NaN)).isNaN();
        assertThat(SimdPow.pow(1.0000001f, 1e30)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SimdPow.pow(0.9999999f, 1e30)).isEqualTo(0f);
        assertThat(SimdPow.pow(10f, -50)).isEqualTo((float) Math.pow(10, -50));
    }

    /** {@code x[i]^y[i]} by the vector function, in whole vectors (the arrays padded with ones). */
    private static float[] vectorPow(float[] x, float[] y) {
        int lanes = Simd.LANES;
        int n = (x.length + lanes - 1) / lanes * lanes;
        float[] xs = Arrays.copyOf(x, n);
        float[] ys = Arrays.copyOf(y, n);
        Arrays.fill(xs, x.length, n, 1f);
        float[] out = new float[n];
        for (int i = 0; i < n; i += lanes) {
            SimdPow.pow(xs, i, ys, i, out, i);
        }
        return out;
    }

    /**
     * Both kernels at awkward lengths and offsets: every element is the twin's value (unary pow
     * through {@link SimdExpTest#checkKernelUsesTwin}), and the binary one's within 0.5 ulp of the
     * reference.
     */
    @Test
    void kernelsUseTheTwinEverywhere() {
        for (double p : new double[] {2.5, 0.1, -1, 3}) {
            SimdExpTest.checkKernelUsesTwin(UnaryOp.POW, p, SimdPowTest::bases, v -> SimdPow.pow(v, p), (v, got, want) -> { });
        }
        SimdBinary binary = new SimdBinary();
        for (int n : SimdExpTest.LENGTHS) {
            for (int stride : new int[] {1, 2}) {
                float[] x = bases(n, stride);
                float[] e = Fixtures.randomFloats(3 + n * stride, 43L * n + stride);
                for (int i = 0; i < e.length; i++) {
                    e[i] = i % 13 == 6 ? 3f : e[i] * 6f;
                }
                int[][] strides = {{stride, stride}, {stride, 0}, {0, stride}};
                for (int[] s : strides) {
                    float[] got = new float[n + 1];
                    binary.apply(BinaryOp.POW, x, 3, s[0], e, 3, s[1], got, 1, n);
                    for (int i = 1; i <= n; i++) {
                        float a = x[3 + (i - 1) * s[0]];
                        float b = e[3 + (i - 1) * s[1]];
                        assertThat(Float.floatToIntBits(got[i])).as("pow(%s, %s), n %d, strides %d %d", a, b, n, s[0], s[1])
                                .isEqualTo(Float.floatToIntBits(SimdPow.pow(a, b)));
                        assertThat(SimdExpTest.ulpError(got[i], BinaryOp.POW.apply(a, b))).isLessThanOrEqualTo(BOUND);
                    }
                }
            }
        }
    }

    /** {@code 3 + n·stride} bases, positive but for a −2 every 13th (Math.pow's lanes). */
    private static float[] bases(int n, int stride) {
        float[] x = Fixtures.randomFloats(3 + n * stride, 41L * n + stride);
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 13 == 6 ? -2f : Math.abs(x[i]) * 5f;
        }
        return x;
    }
}
