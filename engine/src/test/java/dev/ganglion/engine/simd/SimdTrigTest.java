package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link SimdTrig}: the vector functions equal their scalar twins bit for bit over {@link SimdExpTest}'s
 * sweep of float bit patterns (so a result cannot depend on whether the code runs interpreted or compiled);
 * accuracy against {@link Math} in double; special values and the fallback beyond
 * {@link SimdTrig#LIMIT}; and the kernels at awkward lengths and strides.
 */
@Tag("parity")
class SimdTrigTest {

    @Test
    void vectorEqualsScalarTwinBitForBit() {
        SimdExpTest.checkTwinInto(SimdExpTest.kernel(UnaryOp.SIN), SimdTrig::sin);
        SimdExpTest.checkTwinInto(SimdExpTest.kernel(UnaryOp.COS), SimdTrig::cos);
    }

    @Test
    void withinTwoUlpOfMathUpToTheLimitAndExactlyMathBeyond() {
        // measured 1.55 ulp for both (every 97th float) with the three-float split of π/4
        assertThat(SimdExpTest.maxUlpOverSweep(SimdTrig::sin, Math::sin)).isLessThanOrEqualTo(2.0);
        assertThat(SimdExpTest.maxUlpOverSweep(SimdTrig::cos, Math::cos)).isLessThanOrEqualTo(2.0);
    }

    @Test
    void specialValuesSignsAndTheLimit() {
        assertThat(Float.floatToRawIntBits(SimdTrig.sin(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Float.floatToRawIntBits(SimdTrig.sin(0f))).isZero();
        assertThat(SimdTrig.cos(0f)).isEqualTo(1f);
        assertThat(SimdTrig.cos(-0f)).isEqualTo(1f);
        for (float x : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertThat(SimdTrig.sin(x)).isNaN();
            assertThat(SimdTrig.cos(x)).isNaN();
        }
        float[] edges = {SimdTrig.LIMIT, -SimdTrig.LIMIT, Math.nextUp(SimdTrig.LIMIT), -Math.nextUp(SimdTrig.LIMIT),
            1e30f, -1e30f, Float.MAX_VALUE, 1e-30f, Float.MIN_VALUE, (float) Math.PI, (float) (Math.PI / 2)};
        float[] sinLanes = SimdExpTest.vectorEach(SimdExpTest.kernel(UnaryOp.SIN), edges);
        float[] cosLanes = SimdExpTest.vectorEach(SimdExpTest.kernel(UnaryOp.COS), edges);
        for (int i = 0; i < edges.length; i++) {
            float x = edges[i];
            if (!(Math.abs(x) <= SimdTrig.LIMIT)) {
                assertThat(SimdTrig.sin(x)).as("sin(%s)", x).isEqualTo((float) Math.sin(x));
                assertThat(SimdTrig.cos(x)).as("cos(%s)", x).isEqualTo((float) Math.cos(x));
            }
            assertThat(SimdExpTest.ulpError(SimdTrig.sin(x), Math.sin(x))).as("sin(%s)", x).isLessThanOrEqualTo(2.0);
            assertThat(SimdExpTest.ulpError(SimdTrig.cos(x), Math.cos(x))).as("cos(%s)", x).isLessThanOrEqualTo(2.0);
            assertThat(sinLanes[i]).as("vector sin(%s)", x).isEqualTo(SimdTrig.sin(x));
            assertThat(cosLanes[i]).as("vector cos(%s)", x).isEqualTo(SimdTrig.cos(x));
        }
        assertThat(SimdTrig.sin(1e-30f)).isEqualTo(1e-30f);
    }

    /**
     * The kernels at awkward lengths and offsets, contiguous and strided, with some arguments beyond
     * the limit: every element, in a vector or in the tail, is the scalar twin's value, and within
     * 2 ulp of the double reference {@link ScalarUnary}.
     */
    @Test
    void unaryKernelsUseTheTwinEverywhereAndMatchTheReference() {
        for (UnaryOp op : new UnaryOp[] {UnaryOp.SIN, UnaryOp.COS}) {
            SimdExpTest.checkKernelUsesTwin(op, 0, (n, stride) -> {
                float[] x = Fixtures.randomFloats(3 + n * stride, 31L * n + stride);
                for (int i = 0; i < x.length; i++) {
                    x[i] *= i % 7 == 3 ? 3e4f : 20f;
                }
                return x;
            }, op == UnaryOp.SIN ? SimdTrig::sin : SimdTrig::cos, (v, got, want) ->
                    assertThat(SimdExpTest.ulpError(got, op.apply(v))).as("%s(%s) vs reference", op, v)
                            .isLessThanOrEqualTo(2.0));
        }
    }
}
