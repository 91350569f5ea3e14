package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link SimdLog}: the vector function equals its scalar twin bit for bit over {@link SimdExpTest}'s
 * sweep of float bit patterns; accuracy against {@link Math#log} in double; special values and the
 * fallback lanes; and the kernel at awkward lengths and strides.
 */
@Tag("parity")
class SimdLogTest {

    @Test
    void vectorEqualsScalarTwinBitForBit() {
        SimdExpTest.checkTwin(SimdLog::log, SimdLog::log);
    }

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
        float[] lanes = SimdExpTest.vectorApply(SimdLog::log, edges);
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
}
