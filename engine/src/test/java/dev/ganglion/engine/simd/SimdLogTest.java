package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link SimdLog}: the vector function equals its scalar twin bit for bit over {@link SimdExpTest}'s
 * sweep of float bit patterns; accuracy against {@link Math#log} in double; special values and the
 * fallback lanes; and the kernel at awkward lengths and strides.
 */
@Tag("parity")
class SimdLogTest {

    @Test
    void vectorEqualsScalarTwinBitForBit() {
        SimdExpTest.checkTwinInto(SimdExpTest.kernel(UnaryOp.LOG), SimdLog::log);
    }

    @Test
    void log1pVectorEqualsScalarTwinBitForBit() {
        SimdExpTest.checkTwinInto(SimdExpTest.kernel(UnaryOp.LOG1P), SimdLog::log1p);
    }

    @Test
    void log1pUnitIsLog1pOnZeroToOne() {
        // softplus's log1p of e^{−|x|β}: the same bits as log1p wherever it is called, [0, 1]
        SimdExpTest.checkTwin(SimdLog::log1pUnit, SimdLog::log1pUnit);
        for (int bits = 0; bits <= Float.floatToIntBits(1f); bits += 97) {
            float x = Float.intBitsToFloat(bits);
            assertThat(Float.floatToIntBits(SimdLog.log1pUnit(x))).as("log1pUnit(%s)", x)
                    .isEqualTo(Float.floatToIntBits(SimdLog.log1p(x)));
        }
        assertThat(SimdLog.log1pUnit(1f)).isEqualTo(SimdLog.log1p(1f));
    }

    @Test
    void log1pIsWithinItsBoundOverTheSweep() {
        assertThat(SimdExpTest.maxUlp(SimdLog::log1p, Math::log1p, SimdExpTest.DENSE_STEP, 4)).isLessThanOrEqualTo(LOG1P_ULP);
    }

    @Test
    @EnabledIfSystemProperty(named = "ganglion.exhaustive", matches = "true")
    void log1pOverEveryFloat() {
        assertThat(SimdExpTest.maxUlp(SimdLog::log1p, Math::log1p, 1, 4)).isLessThanOrEqualTo(LOG1P_ULP);
    }

    /** log1p's bound (SimdLog.log1p gives the measured value). */
    static final double LOG1P_ULP = 1;

    @Test
    void withinOneUlpOfMath() {
        assertThat(SimdExpTest.maxUlpOverSweep(SimdLog::log, Math::log)).isLessThanOrEqualTo(1.0);
    }

    @Test
    void specialValuesAndTheFallbackLanes() {
        assertThat(SimdLog.log(1f)).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(SimdLog.log(1f))).isZero();
        assertThat(SimdLog.log(0f)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(SimdLog.log(-0f)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(SimdLog.log(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SimdLog.log(-1f)).isNaN();
        assertThat(SimdLog.log(Float.NEGATIVE_INFINITY)).isNaN();
        assertThat(SimdLog.log(Float.NaN)).isNaN();
        float[] edges = {1f, Math.nextUp(1f), Math.nextDown(1f), 0f, -0f, -1f, Float.MIN_VALUE, Math.nextDown(Float.MIN_NORMAL),
            Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            (float) Math.E, 0.70710677f, 1.4142135f, 2f, 0.5f, 1e-30f, 1e30f};
        float[] lanes = SimdExpTest.vectorEach(SimdExpTest.kernel(UnaryOp.LOG), edges);
        for (int i = 0; i < edges.length; i++) {
            float x = edges[i];
            assertThat(SimdExpTest.ulpError(SimdLog.log(x), Math.log(x))).as("log(%s)", x).isLessThanOrEqualTo(1.0);
            assertThat(Float.floatToIntBits(lanes[i])).as("vector log(%s)", x)
                    .isEqualTo(Float.floatToIntBits(SimdLog.log(x)));
            if (!(x >= Float.MIN_NORMAL && x < Float.POSITIVE_INFINITY)) {
                assertThat(Float.floatToIntBits(SimdLog.log(x))).as("fallback log(%s)", x)
                        .isEqualTo(Float.floatToIntBits((float) Math.log(x)));
            }
        }
    }

    /**
     * log1p keeps full relative accuracy near 0 (the value is x itself below 2⁻²⁴, subnormals
     * included, and log1p(−0) = −0), and its fallback lanes (x ≤ −1, +∞, NaN) are the double
     * reference's, in a vector lane as in the twin.
     */
    @Test
    void log1pSpecialValuesAndTheFallbackLanes() {
        float[] tiny = {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.MIN_NORMAL, 1e-30f, -1e-30f,
            0x1p-25f, -0x1p-25f, Math.nextDown(0x1p-24f), -Math.nextDown(0x1p-24f)};
        for (float x : tiny) {
            assertThat(SimdLog.log1p(x)).as("log1p(%s)", x).isEqualTo(x);
        }
        assertThat(Float.floatToRawIntBits(SimdLog.log1p(0f))).isZero();
        assertThat(Float.floatToRawIntBits(SimdLog.log1p(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(SimdLog.log1p(-1f)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(SimdLog.log1p(Math.nextDown(-1f))).isNaN();
        assertThat(SimdLog.log1p(Float.NEGATIVE_INFINITY)).isNaN();
        assertThat(SimdLog.log1p(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SimdLog.log1p(Float.NaN)).isNaN();
        float[] edges = {0f, -0f, -1f, Math.nextUp(-1f), Math.nextDown(-1f), -2f, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, Float.NaN, Float.MAX_VALUE, -Float.MIN_VALUE, 1e-5f, -1e-5f, 1e-3f, -0.5f,
            0.41421357f, -0.29289323f, 1f, 0x1p24f, 3e7f, 1e30f, 0x1p-24f, -0x1p-24f};
        float[] lanes = SimdExpTest.vectorEach(SimdExpTest.kernel(UnaryOp.LOG1P), edges);
        for (int i = 0; i < edges.length; i++) {
            float x = edges[i];
            assertThat(SimdExpTest.ulpError(SimdLog.log1p(x), Math.log1p(x))).as("log1p(%s)", x)
                    .isLessThanOrEqualTo(LOG1P_ULP);
            assertThat(Float.floatToRawIntBits(lanes[i])).as("vector log1p(%s)", x)
                    .isEqualTo(Float.floatToRawIntBits(SimdLog.log1p(x)));
            if (!(x > -1f && x < Float.POSITIVE_INFINITY)) {
                assertThat(Float.floatToIntBits(SimdLog.log1p(x))).as("fallback log1p(%s)", x)
                        .isEqualTo(Float.floatToIntBits((float) Math.log1p(x)));
            }
        }
    }

    /**
     * The kernel at awkward lengths and offsets, contiguous and strided, with some zeros, negatives
     * and subnormals among the arguments: every element, in a vector or in the tail, is the scalar
     * twin's value, and within 1 ulp of the double reference {@link ScalarUnary}.
     */
    @Test
    void unaryKernelUsesTheTwinEverywhereAndMatchesTheReference() {
        float[] odd = {0f, -2f, 1e-40f, Float.POSITIVE_INFINITY};
        SimdExpTest.checkKernelUsesTwin(UnaryOp.LOG, 0, (n, stride) -> {
            float[] x = Fixtures.randomFloats(3 + n * stride, 37L * n + stride);
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 11 == 5 ? odd[i % odd.length] : Math.abs(x[i]) * (i % 3 == 0 ? 1e6f : 3f);
            }
            return x;
        }, SimdLog::log, (v, got, want) -> assertThat(SimdExpTest.ulpError(got, UnaryOp.LOG.apply(v)))
                .as("log(%s) vs reference", v).isLessThanOrEqualTo(1.0));
    }

    /** The log1p kernel likewise, with −1, values below it, tiny ones, −0 and +∞ among the arguments. */
    @Test
    void log1pKernelUsesTheTwinEverywhereAndMatchesTheReference() {
        float[] odd = {-1f, -3f, 1e-40f, -0f, Float.POSITIVE_INFINITY, 1e-9f, Float.NaN};
        SimdExpTest.checkKernelUsesTwin(UnaryOp.LOG1P, 0, (n, stride) -> {
            float[] x = Fixtures.randomFloats(3 + n * stride, 41L * n + stride);
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 11 == 5 ? odd[i % odd.length] : x[i] * (i % 3 == 0 ? 1e-4f : 0.99f) * (i % 7 == 0 ? 1e6f : 1f);
            }
            return x;
        }, SimdLog::log1p, (v, got, want) -> assertThat(SimdExpTest.ulpError(got, UnaryOp.LOG1P.apply(v)))
                .as("log1p(%s) vs reference", v).isLessThanOrEqualTo(LOG1P_ULP));
    }
}
