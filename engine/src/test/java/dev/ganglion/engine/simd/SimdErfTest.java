package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.SimdExpTest.checkKernelUsesTwin;
import static dev.ganglion.engine.simd.SimdExpTest.checkTwin;
import static dev.ganglion.engine.simd.SimdExpTest.ulpError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.simd.SimdExpTest.FloatUnary;
import dev.ganglion.engine.testing.Fixtures;
import dev.ganglion.engine.testing.OpSamples;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link SimdErf}: vector functions equal their scalar twins bit for bit over a sweep of all
 * floats; accuracy against the double reference ({@link UnaryOp#ERF}, {@link UnaryOp#GELU}) over
 * every 61st float in [−16, 16] (every float with {@code -Dganglion.exhaustive=true}, some minutes
 * a vector width); special values; and the kernels at awkward lengths.
 */
@Tag("parity")
class SimdErfTest {
    /** The float bits of 16: floats of magnitude up to it are swept. */
    private static final int LIMIT = Float.floatToRawIntBits(16f);

    @Test
    void vectorEqualsScalarTwinBitForBit() {
        checkTwin(SimdErf::erf, SimdErf::erf);
        checkTwin(SimdErf::gelu, SimdErf::gelu);
        checkTwin(SimdErf::geluSlope, SimdErf::geluSlope);
    }

    /**
     * The exact GELU's slope over every 61st float of magnitude up to 16 (every float with
     * {@code -Dganglion.exhaustive=true}): within an absolute bound (the slope is at most 1.13 and
     * crosses 0 near −0.75), within a relative bound in ulp away from that zero (x outside
     * [−1, −0.5]) down to −13.2, and below, where e^{−x²/2} is subnormal, within a bound in units of
     * 2⁻¹⁴⁹.
     */
    @Test
    void geluSlopeIsWithinItsBoundsOverTheSweep() {
        checkGeluSlope(61);
    }

    @Test
    @EnabledIfSystemProperty(named = "ganglion.exhaustive", matches = "true")
    void geluSlopeOverEveryFloatUpToSixteen() {
        checkGeluSlope(1);
    }

    private static void checkGeluSlope(int step) {
        double maxAbs = 0;
        double maxUlp = 0;
        double maxTail = 0;
        float at = 0;
        for (int bits = 0; bits <= LIMIT; bits += step) {
            for (float x : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                double want = BinaryOp.GELU_GRAD.apply(1, x);
                float got = SimdErf.geluSlope(x);
                maxAbs = Math.max(maxAbs, Math.abs(got - want));
                if (x <= GELU_SLOPE_TAIL) {
                    maxTail = Math.max(maxTail, Math.abs(got - want) / Float.MIN_VALUE);
                } else if (!(x > -1 && x < -0.5)) {
                    double e = ulpError(got, want);
                    if (e > maxUlp) {
                        maxUlp = e;
                        at = x;
                    }
                }
            }
        }
        System.out.println("gelu slope: max abs " + maxAbs + ", max ulp outside [-1, -0.5] " + maxUlp + " at " + at
                + ", below " + GELU_SLOPE_TAIL + " " + maxTail + "·2^-149");
        assertThat(maxAbs).isLessThanOrEqualTo(GELU_SLOPE_ATOL);
        assertThat(maxUlp).isLessThanOrEqualTo(GELU_SLOPE_ULP);
        assertThat(maxTail).isLessThanOrEqualTo(GELU_SLOPE_TAIL_ULP);
    }

    @Test
    void geluSlopeSpecialValues() {
        assertThat(SimdErf.geluSlope(0f)).isEqualTo(0.5f);
        assertThat(SimdErf.geluSlope(-0f)).isEqualTo(0.5f);
        assertThat(SimdErf.geluSlope(20f)).isEqualTo(1f);
        assertThat(SimdErf.geluSlope(3e38f)).isEqualTo(1f);
        assertThat(SimdErf.geluSlope(-20f)).isZero();
        assertThat(SimdErf.geluSlope(Float.POSITIVE_INFINITY)).isNaN();   // ∞·0, as the double reference
        assertThat(SimdErf.geluSlope(Float.NEGATIVE_INFINITY)).isNaN();
        assertThat(BinaryOp.GELU_GRAD.apply(1, Double.NEGATIVE_INFINITY)).isNaN();
        assertThat(SimdErf.geluSlope(Float.NaN)).isNaN();
        // the left tail keeps its digits: Φ(−10) + (−10)·φ(−10) = −7.7·10⁻²², no cancellation to 0
        assertThat(ulpError(SimdErf.geluSlope(-10f), BinaryOp.GELU_GRAD.apply(1, -10))).isLessThanOrEqualTo(GELU_SLOPE_ULP);
    }

    @Test
    void erfIsWithinItsBoundOverTheSweep() {
        assertThat(maxError(SimdErf::erf, UnaryOp.ERF::apply, 61, false)).isLessThanOrEqualTo(ERF_ULP);
    }

    @Test
    void geluIsWithinItsBoundOverTheSweep() {
        assertThat(maxError(SimdErf::gelu, UnaryOp.GELU::apply, 61, false)).isLessThanOrEqualTo(GELU_ULP);
        assertThat(maxError(SimdErf::gelu, UnaryOp.GELU::apply, 61, true)).isLessThanOrEqualTo(GELU_SUBNORMAL_ULP);
    }

    @Test
    void specialValues() {
        assertThat(Float.floatToRawIntBits(SimdErf.erf(0f))).isZero();
        assertThat(Float.floatToRawIntBits(SimdErf.erf(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(SimdErf.erf(Float.MIN_VALUE)).isEqualTo(Float.MIN_VALUE);   // 1.128·2⁻¹⁴⁹ rounds to 2⁻¹⁴⁹
        assertThat(ulpError(SimdErf.erf(1e-30f), UnaryOp.ERF.apply(1e-30f))).isLessThanOrEqualTo(0.5);
        assertThat(SimdErf.erf(4f)).isEqualTo(1f);
        assertThat(SimdErf.erf(-1e30f)).isEqualTo(-1f);
        assertThat(SimdErf.erf(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(SimdErf.erf(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(SimdErf.erf(Float.NaN)).isNaN();
        assertThat(Float.floatToRawIntBits(SimdErf.gelu(0f))).isZero();
        assertThat(Float.floatToRawIntBits(SimdErf.gelu(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(SimdErf.gelu(1e-30f)).isEqualTo(5e-31f);
        assertThat(SimdErf.gelu(10f)).isEqualTo(10f);
        assertThat(SimdErf.gelu(Float.MAX_VALUE)).isEqualTo(Float.MAX_VALUE);
        assertThat(SimdErf.gelu(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        // the left tail keeps its digits: GELU(−10) = −7.62·10⁻²³, the smallest normal result near −13.2
        assertThat(ulpError(SimdErf.gelu(-10f), UnaryOp.GELU.apply(-10f))).isLessThanOrEqualTo(GELU_ULP);
        assertThat(Float.floatToRawIntBits(SimdErf.gelu(-15f))).isEqualTo(Float.floatToRawIntBits(-0f));   // as the reference
        assertThat(Float.floatToRawIntBits(SimdErf.gelu(-1e30f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(SimdErf.gelu(Float.NEGATIVE_INFINITY)).isNaN();   // −∞·0, as the double reference
        assertThat(UnaryOp.GELU.apply(Float.NEGATIVE_INFINITY)).isNaN();
        assertThat(SimdErf.gelu(Float.NaN)).isNaN();
    }

    /**
     * The kernels at awkward lengths and offsets, contiguous and strided: every element is the
     * scalar twin's value, and within {@code OpSamples}' tolerance of the double reference, inputs
     * out to ±16 (GELU's results down to the subnormal range).
     */
    @Test
    void kernelsUseTheTwinEverywhereAndMatchTheReference() {
        for (UnaryOp op : new UnaryOp[] {UnaryOp.ERF, UnaryOp.GELU}) {
            double rtol = OpSamples.unaryRtol(op);
            checkKernelUsesTwin(op, 0, (n, stride) -> {
                float[] x = Fixtures.randomFloats(3 + n * stride, n);
                for (int i = 0; i < x.length; i++) {
                    x[i] *= 16;
                }
                return x;
            }, op == UnaryOp.ERF ? SimdErf::erf : SimdErf::gelu, (v, got, want) -> assertThat((double) Math.abs(got - want))
                    .as("%s(%s) vs reference", op, v).isLessThanOrEqualTo(rtol * Math.abs(want) + 1e-30));
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "ganglion.exhaustive", matches = "true")
    void everyFloatUpToSixteen() {
        assertThat(maxError(SimdErf::erf, UnaryOp.ERF::apply, 1, false)).isLessThanOrEqualTo(ERF_ULP);
        assertThat(maxError(SimdErf::erf, UnaryOp.ERF::apply, 1, true)).isLessThanOrEqualTo(1.0);
        assertThat(maxError(SimdErf::gelu, UnaryOp.GELU::apply, 1, false)).isLessThanOrEqualTo(GELU_ULP);
        assertThat(maxError(SimdErf::gelu, UnaryOp.GELU::apply, 1, true)).isLessThanOrEqualTo(GELU_SUBNORMAL_ULP);
    }

    /** The bounds the measurements support (SimdErf's Javadoc gives the measured values). */
    static final double ERF_ULP = 3;
    static final double GELU_ULP = 7;
    static final double GELU_SUBNORMAL_ULP = 3;
    static final double GELU_SLOPE_ULP = 8;
    /** geluSlope's absolute bound (|slope| up to 1.13; its zero is near −0.75). */
    static final double GELU_SLOPE_ATOL = 2.5e-7;
    /** Below this x, e^{−x²/2} is subnormal: the slope's error is bounded in units of 2⁻¹⁴⁹. */
    static final float GELU_SLOPE_TAIL = -13.2f;
    static final double GELU_SLOPE_TAIL_ULP = 16;

    /**
     * Max {@link SimdExpTest#ulpError} over every {@code step}-th float of magnitude up to 16, where
     * the reference is a normal float ({@code subnormal} false) or below ({@code subnormal} true,
     * in units of 2⁻¹⁴⁹).
     */
    private static double maxError(FloatUnary f, DoubleUnaryOperator reference, int step, boolean subnormal) {
        double max = 0;
        float at = 0;
        for (int b = 0; b <= LIMIT; b += step) {
            for (float x : new float[] {Float.intBitsToFloat(b), -Float.intBitsToFloat(b)}) {
                double want = reference.applyAsDouble(x);
                if ((Math.abs(want) < Float.MIN_NORMAL) != subnormal) {
                    continue;
                }
                double e = ulpError(f.apply(x), want);
                if (e > max) {
                    max = e;
                    at = x;
                }
            }
        }
        System.out.println("max " + max + " at " + at + " (" + Float.toHexString(at) + ")");
        return max;
    }
}
