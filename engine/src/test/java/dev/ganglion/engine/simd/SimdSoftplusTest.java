package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.SimdExpTest.checkKernelUsesTwin;
import static dev.ganglion.engine.simd.SimdExpTest.checkTwin;
import static dev.ganglion.engine.simd.SimdExpTest.maxUlp;
import static dev.ganglion.engine.simd.SimdExpTest.ulpError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.Fixtures;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link SimdSoftplus}: the threshold rule is the double reference's for every float; the vector
 * function equals its scalar twin bit for bit; accuracy against the double reference
 * ({@link UnaryOp#SOFTPLUS}) over a sweep of every 101st float (every float with
 * {@code -Dganglion.exhaustive=true}) for several β and thresholds; special values; and the kernel
 * at awkward lengths.
 */
@Tag("parity")
class SimdSoftplusTest {
    /** {β, threshold}: PyTorch's defaults, then OpSamples' other sets and a wide β. */
    private static final float[][] PARAMS = {{1, 20}, {2, 5}, {0.5f, -1}, {3.3f, 1e-3f}, {100, 20}, {1.7f, 1e30f}};

    @Test
    void cutoffIsTheReferenceRuleForEveryFloatAroundIt() {
        float[] betas = {1, 2, 0.5f, 3.3f, 0.1f, 7e-3f, 1e-30f, Float.MIN_VALUE, 1e30f, Float.MAX_VALUE};
        float[] thresholds = {20, 5, -1, 1e-3f, 0, -0f, 1e-40f, -1e-40f, 3e38f, -3e38f, Float.MAX_VALUE,
            Float.NEGATIVE_INFINITY, 0.3f, 7.77f};
        float[] r = Fixtures.randomFloats(400, 5);
        for (int i = 0; i < r.length; i += 2) {
            checkCutoff(Math.abs(r[i]) * 10 + 1e-3f, r[i + 1] * 50);
        }
        for (float beta : betas) {
            for (float threshold : thresholds) {
                checkCutoff(beta, threshold);
            }
        }
        assertThat(SimdSoftplus.cutoff(1, Float.POSITIVE_INFINITY)).isNaN();
        assertThat(SimdSoftplus.cutoff(1, Float.NaN)).isNaN();
        for (float bad : new float[] {0, -1, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> SimdSoftplus.cutoff(bad, 20)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("softplus: beta must be positive and finite, got " + bad);
        }
    }

    /** {@code x ≥ cutoff} is {@code x·β > threshold} in double for the floats around the cutoff and some others. */
    private static void checkCutoff(float beta, float threshold) {
        float c = SimdSoftplus.cutoff(beta, threshold);
        float[] around = {c, Math.nextUp(c), Math.nextDown(c), Math.nextUp(Math.nextUp(c)),
            Math.nextDown(Math.nextDown(c)), 0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, threshold / beta};
        for (float x : around) {
            assertThat(x >= c).as("x %s, beta %s, threshold %s, cutoff %s", x, beta, threshold, c)
                    .isEqualTo((double) x * beta > threshold);
        }
    }

    @Test
    void vectorEqualsScalarTwinBitForBit() {
        for (float[] bt : PARAMS) {
            float c = SimdSoftplus.cutoff(bt[0], bt[1]);
            checkTwin(new Lanes(bt[0], c), x -> SimdSoftplus.softplus(x, bt[0], c));
        }
    }

    /**
     * The vector function with its parameters bound: a class of its own, as a lambda would give
     * this class a method taking a vector, which the no-vector-module test run cannot even list.
     */
    private record Lanes(float beta, float cutoff) implements UnaryOperator<FloatVector> {
        @Override
        public FloatVector apply(FloatVector v) {
            return SimdSoftplus.softplus(v, beta, cutoff);
        }
    }

    @Test
    void withinItsBoundOverTheSweep() {
        for (float[] bt : PARAMS) {
            assertThat(maxError(bt[0], bt[1], SimdExpTest.DENSE_STEP)).as("beta %s, threshold %s", bt[0], bt[1])
                    .isLessThanOrEqualTo(ULP);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "ganglion.exhaustive", matches = "true")
    void withinItsBoundOverEveryFloat() {
        for (float[] bt : PARAMS) {
            assertThat(maxError(bt[0], bt[1], 1)).as("beta %s, threshold %s", bt[0], bt[1])
                    .isLessThanOrEqualTo(ULP);
        }
    }

    /** The bound the measurements support (SimdSoftplus.softplus gives the measured values). */
    static final double ULP = 3;

    /**
     * The largest ulp error over every {@code step}-th float, leaving out, for β below 1, the x whose
     * {@code e^{βx}} is subnormal (see SimdSoftplus), and measured against x itself where the
     * reference's {@code e^{βx}} overflows (βx above 709.78, under a threshold above that).
     */
    private static double maxError(float beta, float threshold, int step) {
        float c = SimdSoftplus.cutoff(beta, threshold);
        return maxUlp(x -> SimdSoftplus.softplus(x, beta, c), x -> {
            if (beta < 1 && x * beta < -87.3) {
                return SimdSoftplus.softplus((float) x, beta, c);
            }
            return x * beta > OVERFLOW ? x : UnaryOp.SOFTPLUS.apply(x, beta, threshold);
        }, step, 4);
    }

    /** Above this, the double e^{βx} of the reference overflows. */
    private static final double OVERFLOW = Math.log(Double.MAX_VALUE);

    @Test
    void specialValues() {
        float c = SimdSoftplus.cutoff(1, 20);
        assertThat(SimdSoftplus.softplus(0f, 1, c)).isEqualTo((float) Math.log(2));
        assertThat(SimdSoftplus.softplus(-0f, 1, c)).isEqualTo((float) Math.log(2));
        assertThat(SimdSoftplus.softplus(0f, 2, c)).isEqualTo((float) (Math.log(2) / 2));
        assertThat(SimdSoftplus.softplus(Float.NaN, 1, c)).isNaN();
        assertThat(SimdSoftplus.softplus(Float.POSITIVE_INFINITY, 1, c)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(SimdSoftplus.softplus(Float.NEGATIVE_INFINITY, 1, c))).isZero();
        assertThat(Float.floatToRawIntBits(SimdSoftplus.softplus(-1e30f, 3, c))).isZero();
        assertThat(SimdSoftplus.softplus(-100f, 1, c)).isEqualTo((float) Math.exp(-100));   // subnormal, exactly
        assertThat(SimdSoftplus.softplus(20f, 1, c)).isEqualTo((float) Math.log1p(Math.exp(20)));   // not above 20
        assertThat(SimdSoftplus.softplus(Math.nextUp(20f), 1, c)).isEqualTo(Math.nextUp(20f));
        // no threshold: x·β up to 709 is the reference's; beyond, the reference's e^{βx} overflows, this stays x
        float none = SimdSoftplus.cutoff(1, Float.POSITIVE_INFINITY);
        assertThat(SimdSoftplus.softplus(700f, 1, none)).isEqualTo((float) UnaryOp.SOFTPLUS.apply(700, 1, 1e300));
        assertThat(SimdSoftplus.softplus(1e6f, 1, none)).isEqualTo(1e6f);
        assertThat(SimdSoftplus.softplus(Float.MAX_VALUE, 1, none)).isEqualTo(Float.MAX_VALUE);
        assertThat(SimdSoftplus.softplus(Float.POSITIVE_INFINITY, 1, none)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SimdSoftplus.softplus(-Float.MAX_VALUE, 1e30f, none)).isZero();
        // a split product: x·β rounds in float, the exponential does not see it
        assertThat(ulpError(SimdSoftplus.softplus(-30.123457f, 3.3f, c), UnaryOp.SOFTPLUS.apply(-30.123457f, 3.3f, 20)))
                .isLessThanOrEqualTo(ULP);
    }

    /** The kernel at awkward lengths, with ±∞, NaN and −0 among the arguments, for each parameter set. */
    @Test
    void kernelUsesTheTwinEverywhereAndMatchesTheReference() {
        float[] odd = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -0f, 1e-40f};
        for (float[] bt : PARAMS) {
            float c = SimdSoftplus.cutoff(bt[0], bt[1]);
            checkKernelUsesTwin(UnaryOp.SOFTPLUS, bt[0], bt[1], (n, stride) -> {
                float[] x = Fixtures.randomFloats(3 + n * stride, 13L * n + stride);
                for (int i = 0; i < x.length; i++) {
                    x[i] = i % 11 == 5 ? odd[i % odd.length] : x[i] * (i % 3 == 0 ? 60 : 8) / bt[0];
                }
                return x;
            }, v -> SimdSoftplus.softplus(v, bt[0], c), (v, got, want) -> assertThat(ulpError(got, want))
                    .as("softplus(%s; %s, %s)", v, bt[0], bt[1]).isLessThanOrEqualTo(ULP + 0.5));
        }
    }
}
