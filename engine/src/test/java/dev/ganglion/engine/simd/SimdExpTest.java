package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarReduce;
import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.Fixtures;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link SimdExp}: the vector functions equal their scalar twins bit for bit (the twins use only
 * exactly specified float operations, {@link Math#fma} included, so the vector results cannot depend
 * on whether the code runs interpreted or compiled); accuracy against {@link Math} in double over a
 * sweep of every 997th float; IEEE special values; and the kernels at awkward lengths.
 */
@Tag("parity")
class SimdExpTest {
    /** Every 997th float bit pattern, both signs: NaNs, infinities, subnormals and all included. */
    private static final int SWEEP_STEP = 997;
    /** Lengths around the vector widths and the tail handling, plus a long odd one. */
    /** Awkward lengths; 2,500 spans the 1,024-element blocks of the two-pass loops (softplus) and their tail. */
    static final int[] LENGTHS = {0, 1, 15, 16, 17, 31, 33, 1003, 2500};

    @Test
    void vectorEqualsScalarTwinBitForBit() {
        checkTwin(SimdExp::exp, SimdExp::exp);
        checkTwin(SimdExp::sigmoid, SimdExp::sigmoid);
        checkTwin(SimdExp::tanh, SimdExp::tanh);
    }

    @Test
    void expIsWithinOneUlpOfMathExpOverTheSweep() {
        assertThat(maxUlpOverSweep(SimdExp::exp, Math::exp)).isLessThanOrEqualTo(1.0);
    }

    @Test
    void expUnderflowsGraduallyThroughTheWholeSubnormalRange() {
        // Every float x with e^x subnormal or rounding to the smallest subnormal: −103.98 … −87.33.
        for (int b = Float.floatToRawIntBits(-87.3f); b <= Float.floatToRawIntBits(-104f); b++) {
            float x = Float.intBitsToFloat(b);
            float y = SimdExp.exp(x);
            assertThat(ulpError(y, Math.exp(x))).as("exp(%s) = %s", x, y).isLessThanOrEqualTo(1.0);
        }
        assertThat(SimdExp.exp(-100f)).isPositive().isLessThan(Float.MIN_NORMAL);
        // e^x = 2⁻¹⁵⁰ (half the smallest subnormal) at x = −150·ln 2 = −103.97208…
        assertThat(SimdExp.exp(-103.97f)).isEqualTo(Float.MIN_VALUE);
        assertThat(SimdExp.exp(-103.975f)).isZero();
    }

    @Test
    void expSpecialValuesAndBoundaries() {
        float maxFinite = Float.intBitsToFloat(0x42B17217); // the largest x whose e^x rounds to a finite float
        float[][] cases = {
            {Float.NaN, Float.NaN},
            {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
            {Float.NEGATIVE_INFINITY, 0f},
            {0f, 1f},
            {-0f, 1f},
            {Float.MIN_VALUE, 1f},
            {-Float.MIN_VALUE, 1f},
            {Math.nextUp(maxFinite), Float.POSITIVE_INFINITY},
            {89f, Float.POSITIVE_INFINITY},
            {Math.nextUp(89f), Float.POSITIVE_INFINITY},
            {Float.MAX_VALUE, Float.POSITIVE_INFINITY},
            {-103.98f, 0f},
            {-104f, 0f},
            {Math.nextDown(-104f), 0f},
            {-Float.MAX_VALUE, 0f},
        };
        float[] x = new float[cases.length];
        for (int i = 0; i < cases.length; i++) {
            x[i] = cases[i][0];
        }
        float[] lanes = vectorApply(SimdExp::exp, x);
        for (int i = 0; i < cases.length; i++) {
            int want = Float.floatToIntBits(cases[i][1]);
            assertThat(Float.floatToIntBits(SimdExp.exp(x[i]))).as("exp(%s)", x[i]).isEqualTo(want);
            assertThat(Float.floatToIntBits(lanes[i])).as("vector exp(%s)", x[i]).isEqualTo(want);
        }
        assertThat(SimdExp.exp(maxFinite)).isEqualTo(vectorApply(SimdExp::exp, new float[] {maxFinite})[0])
                .isFinite().isGreaterThan(3.4e38f);
    }

    @Test
    void expm1VectorEqualsScalarTwinBitForBit() {
        checkTwin(SimdExp::expm1, SimdExp::expm1);
    }

    @Test
    void expm1IsWithinItsBoundOverTheSweep() {
        assertThat(maxUlp(SimdExp::expm1, Math::expm1, DENSE_STEP, 4)).isLessThanOrEqualTo(EXPM1_ULP);
    }

    @Test
    @EnabledIfSystemProperty(named = "ganglion.exhaustive", matches = "true")
    void expm1OverEveryFloat() {
        assertThat(maxUlp(SimdExp::expm1, Math::expm1, 1, 4)).isLessThanOrEqualTo(EXPM1_ULP);
    }

    /** expm1's bound (SimdExp.expm1 gives the measured value). */
    static final double EXPM1_ULP = 1.01;
    /** The step of the dense sweeps: every 101st float bit pattern. */
    static final int DENSE_STEP = 101;

    /**
     * expm1 keeps full relative accuracy near 0 (x itself below 2⁻²⁴, subnormals included;
     * expm1(−0) = −0), is −1 from −17.33 down, and overflows at the float where the double reference
     * rounded to float does; the vector lanes agree with the twin.
     */
    @Test
    void expm1SpecialValuesAndBoundaries() {
        for (float x : new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.MIN_NORMAL, 1e-30f,
            -1e-30f, 0x1p-25f, -0x1p-25f, Math.nextDown(0x1p-24f), -Math.nextDown(0x1p-24f)}) {
            assertThat(SimdExp.expm1(x)).as("expm1(%s)", x).isEqualTo(x);
        }
        float maxFinite = Float.intBitsToFloat(0x42B17217);   // as for exp: e^x − 1 rounds to the largest float
        assertThat((float) Math.expm1(maxFinite)).isFinite();
        assertThat((float) Math.expm1(Math.nextUp(maxFinite))).isInfinite();
        float[][] cases = {
            {Float.NaN, Float.NaN},
            {0f, 0f},
            {-0f, -0f},
            {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
            {Float.NEGATIVE_INFINITY, -1f},
            {Math.nextUp(maxFinite), Float.POSITIVE_INFINITY},
            {89f, Float.POSITIVE_INFINITY},
            {Math.nextUp(89f), Float.POSITIVE_INFINITY},
            {Float.MAX_VALUE, Float.POSITIVE_INFINITY},
            {-17.4f, -1f},
            {-20f, -1f},
            {Math.nextDown(-20f), -1f},
            {-1e30f, -1f},
            {-Float.MAX_VALUE, -1f},
        };
        float[] x = new float[cases.length + 1];
        for (int i = 0; i < cases.length; i++) {
            x[i] = cases[i][0];
        }
        x[cases.length] = maxFinite;
        float[] lanes = vectorApply(SimdExp::expm1, x);
        for (int i = 0; i < cases.length; i++) {
            int want = Float.floatToRawIntBits(cases[i][1]);
            assertThat(Float.floatToIntBits(cases[i][1])).as("reference expm1(%s)", x[i])
                    .isEqualTo(Float.floatToIntBits((float) Math.expm1(x[i])));
            assertThat(Float.floatToRawIntBits(SimdExp.expm1(x[i]))).as("expm1(%s)", x[i]).isEqualTo(want);
            assertThat(Float.floatToRawIntBits(lanes[i])).as("vector expm1(%s)", x[i]).isEqualTo(want);
        }
        assertThat(SimdExp.expm1(maxFinite)).isEqualTo(lanes[cases.length]).isFinite().isGreaterThan(3.4e38f);
        // just above −17.33 the result is the float next to −1, as the reference's
        float x0 = -16.5f;
        assertThat(SimdExp.expm1(x0)).isEqualTo((float) Math.expm1(x0)).isGreaterThan(-1f);
    }

    @Test
    void sigmoidAndTanhAreWithinAFewUlpOverTheSweep() {
        assertThat(maxUlpOverSweep(SimdExp::sigmoid, SimdExpTest::sigmoid)).isLessThanOrEqualTo(2.5);
        assertThat(maxUlpOverSweep(SimdExp::tanh, Math::tanh)).isLessThanOrEqualTo(1.5);
    }

    @Test
    void tanhKeepsRelativeAccuracyNearZeroAndItsSign() {
        for (float x : new float[] {1e-5f, -1e-5f, 3e-3f, 0.1f, -0.3f, 0.6249f, 0.625f, -0.625f, 1e-20f, Float.MIN_VALUE}) {
            assertThat(ulpError(SimdExp.tanh(x), Math.tanh(x))).as("tanh(%s)", x).isLessThanOrEqualTo(1.0);
        }
        assertThat(SimdExp.tanh(1e-30f)).isEqualTo(1e-30f);
        assertThat(Float.floatToRawIntBits(SimdExp.tanh(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Float.floatToRawIntBits(SimdExp.tanh(0f))).isZero();
        assertThat(SimdExp.tanh(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(SimdExp.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(SimdExp.tanh(50f)).isEqualTo(1f);
        assertThat(SimdExp.tanh(Float.NaN)).isNaN();
        assertThat(SimdExp.sigmoid(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(SimdExp.sigmoid(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(SimdExp.sigmoid(0f)).isEqualTo(0.5f);
        assertThat(SimdExp.sigmoid(-0f)).isEqualTo(0.5f);
        assertThat(SimdExp.sigmoid(Float.NaN)).isNaN();
    }

    /**
     * The kernels at awkward lengths and offsets, contiguous and strided: every element, in a
     * vector or in the tail, is the scalar twin's value (so it does not depend on its position or
     * the vector width), and within a few ulp of the double reference {@link ScalarUnary}.
     */
    @Test
    void unaryKernelsUseTheTwinEverywhereAndMatchTheReference() {
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.SIGMOID, UnaryOp.SILU, UnaryOp.TANH}) {
            FloatUnary twin = switch (op) {
                case EXP -> SimdExp::exp;
                case SIGMOID -> SimdExp::sigmoid;
                case TANH -> SimdExp::tanh;
                default -> v -> v * SimdExp.sigmoid(v);
            };
            checkKernelUsesTwin(op, 0, (n, stride) -> {
                float[] x = Fixtures.randomFloats(3 + n * stride, n);
                for (int i = 0; i < x.length; i++) {
                    x[i] *= op == UnaryOp.EXP ? 100 : 12;
                }
                return x;
            }, twin, (v, got, want) -> assertThat(ulpDistance(got, want)).as("%s(%s) vs reference", op, v)
                    .isLessThanOrEqualTo(3));
        }
    }

    /** The expm1 kernel: every element is the twin's value, within 1 ulp of the reference, inputs out to ±100. */
    @Test
    void expm1UsesItsTwinEverywhereAndMatchesTheReference() {
        checkKernelUsesTwin(UnaryOp.EXPM1, 0, (n, stride) -> {
            float[] x = Fixtures.randomFloats(3 + n * stride, n);
            for (int i = 0; i < x.length; i++) {
                x[i] *= i % 3 == 0 ? 1e-6f : i % 3 == 1 ? 1 : 100;
            }
            return x;
        }, SimdExp::expm1, (v, got, want) -> assertThat(ulpError(got, UnaryOp.EXPM1.apply(v)))
                .as("expm1(%s) vs reference", v).isLessThanOrEqualTo(EXPM1_ULP));
    }

    /**
     * GELU's tanh form as {@code x·σ(2u)}: every element is the twin's value, and within
     * {@code OpSamples}' 2·10⁻⁵ of the double reference (its float 2u; {@code SimdUnary.geluTanh}),
     * inputs out to ±12 where σ(2u) is far below 10⁻³⁰.
     */
    @Test
    void geluTanhUsesItsTwinEverywhereAndMatchesTheReference() {
        checkKernelUsesTwin(UnaryOp.GELU_TANH, 0, (n, stride) -> {
            float[] x = Fixtures.randomFloats(3 + n * stride, n);
            for (int i = 0; i < x.length; i++) {
                x[i] *= 12;
            }
            return x;
        }, v -> v * SimdExp.sigmoid(SimdUnary.geluTanhArg(v)), (v, got, want) -> assertThat((double) Math.abs(got - want))
                .as("gelu_tanh(%s) vs reference", v).isLessThanOrEqualTo(2e-5 * Math.abs(want) + 1e-30));
    }

    /** The inputs of one {@link #checkKernelUsesTwin} call: {@code 3 + n·stride} floats. */
    interface KernelInput {
        float[] make(int n, int stride);
    }

    /** One element's check against the scalar reference kernel: input, SIMD output, reference output. */
    interface ReferenceCheck {
        void check(float x, float got, float want);
    }

    /**
     * The SIMD unary kernel {@code op} (parameter p) at every length of {@link #LENGTHS}, contiguous
     * and with stride 2, reading from offset 3 and writing from offset 1: every element, in a vector
     * or in the tail, equals {@code twin} bit for bit (so it does not depend on its position or the
     * vector width), the slot before the output stays 0, and {@code check} holds for each element
     * against {@link ScalarUnary}'s output.
     */
    static void checkKernelUsesTwin(UnaryOp op, double p, KernelInput input, FloatUnary twin, ReferenceCheck check) {
        checkKernelUsesTwin(op, p, 0, input, twin, check);
    }

    /** {@link #checkKernelUsesTwin(UnaryOp, double, KernelInput, FloatUnary, ReferenceCheck)} with parameter q too. */
    static void checkKernelUsesTwin(UnaryOp op, double p, double q, KernelInput input, FloatUnary twin,
                                    ReferenceCheck check) {
        SimdUnary simd = new SimdUnary();
        ScalarUnary reference = new ScalarUnary();
        for (int n : LENGTHS) {
            for (int stride : new int[] {1, 2}) {
                float[] x = input.make(n, stride);
                float[] got = new float[n + 1];
                float[] want = new float[n + 1];
                simd.apply(op, p, q, x, 3, stride, got, 1, n);
                reference.apply(op, p, q, x, 3, stride, want, 1, n);
                for (int i = 1; i <= n; i++) {
                    float v = x[3 + (i - 1) * stride];
                    assertThat(Float.floatToIntBits(got[i])).as("%s(%s), p %s, n %d, stride %d", op, v, p, n, stride)
                            .isEqualTo(Float.floatToIntBits(twin.apply(v)));
                    check.check(v, got[i], want[i]);
                }
                assertThat(got[0]).isZero();
            }
        }
    }

    /**
     * Softmax rows at awkward lengths: exponentials from the twin in the tail as in the vectors
     * (the tolerance is {@code ReduceParityTest}'s: x − max rounds in float, the reference's in double).
     */
    @Test
    void softmaxAtAwkwardLengthsIsCloseToTheReference() {
        SimdReduce simd = new SimdReduce();
        ScalarReduce reference = new ScalarReduce();
        for (int n : LENGTHS) {
            float[] x = Fixtures.randomFloats(n, 7L * n);
            for (int i = 0; i < n; i++) {
                x[i] *= 40;
            }
            float[] got = new float[n];
            float[] want = new float[n];
            simd.softmax(x, 0, got, 0, n);
            reference.softmax(x, 0, want, 0, n);
            Fixtures.assertClose(got, want, 2e-5, 1e-30);
        }
    }

    static void checkTwin(UnaryOperator<FloatVector> vector, FloatUnary scalar) {
        checkTwinInto((x, xo, y, yo) -> vector.apply(FloatVector.fromArray(Simd.F32, x, xo)).intoArray(y, yo), scalar);
    }

    /** {@link #checkTwin} for a vector function that stores its lanes. */
    static void checkTwinInto(VectorInto vector, FloatUnary scalar) {
        int lanes = Simd.LANES;
        float[] x = new float[lanes * 1024];
        long b = 0;
        while (b <= 0xFFFF_FFFFL) {
            int filled = 0;
            for (; filled < x.length && b <= 0xFFFF_FFFFL; filled++, b += SWEEP_STEP) {
                x[filled] = Float.intBitsToFloat((int) b);
            }
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i += lanes) {
                vector.store(x, i, y, i);
            }
            for (int i = 0; i < filled; i++) {
                // floatToIntBits: all NaNs are one NaN (their payloads are not specified).
                if (Float.floatToIntBits(y[i]) != Float.floatToIntBits(scalar.apply(x[i]))) {
                    throw new AssertionError("x = " + x[i] + " (" + Float.toHexString(x[i]) + "): vector "
                            + y[i] + ", scalar twin " + scalar.apply(x[i]));
                }
            }
        }
    }

    static float[] vectorApply(UnaryOperator<FloatVector> f, float[] x) {
        int lanes = Simd.LANES;
        float[] in = Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i += lanes) {
            f.apply(FloatVector.fromArray(Simd.F32, in, i)).intoArray(out, i);
        }
        return out;
    }

    /** A vector function from array to array: one vector's lanes. */
    interface VectorInto {
        void store(float[] x, int xo, float[] y, int yo);
    }

    /**
     * One vector of {@link SimdUnary}'s op, with its range check and scalar twin (log, log1p, sin and
     * cos have no vector function of their own beyond their range).
     */
    static VectorInto kernel(UnaryOp op) {
        SimdUnary k = new SimdUnary();
        return (x, xo, y, yo) -> k.apply(op, 0, 0, x, xo, 1, y, yo, Simd.LANES);
    }

    /**
     * f on each of x's elements on its own, in a vector of copies of it: a vector with a lane out of
     * its function's range goes to the scalar twin whole, so edge values that shared a vector with
     * such a lane would not reach the vector code.
     */
    static float[] vectorEach(VectorInto f, float[] x) {
        float[] out = new float[x.length];
        float[] copies = new float[Simd.LANES];
        float[] lanes = new float[Simd.LANES];
        for (int i = 0; i < x.length; i++) {
            Arrays.fill(copies, x[i]);
            f.store(copies, 0, lanes, 0);
            out[i] = lanes[0];
        }
        return out;
    }

    /** The largest {@link #ulpError} of {@code f} against {@code reference} over the sweep. */
    static double maxUlpOverSweep(FloatUnary f, DoubleUnaryOperator reference) {
        return maxUlp(f, reference, SWEEP_STEP, 4);
    }

    /**
     * The largest {@link #ulpError} of {@code f} against {@code reference} over every
     * {@code step}-th float bit pattern (both signs, NaNs and infinities included; step 1 is every
     * float), printed with its argument; fails at once, naming the argument, above {@code giveUp}.
     */
    static double maxUlp(FloatUnary f, DoubleUnaryOperator reference, long step, double giveUp) {
        double max = 0;
        float at = 0;
        for (long b = 0; b <= 0xFFFF_FFFFL; b += step) {
            float x = Float.intBitsToFloat((int) b);
            double e = ulpError(f.apply(x), reference.applyAsDouble(x));
            if (e > max) {
                max = e;
                at = x;
                if (max > giveUp) {
                    throw new AssertionError("x = " + x + ": " + f.apply(x) + " vs " + reference.applyAsDouble(x));
                }
            }
        }
        System.out.println("max " + max + " ulp at " + at + " (" + Float.toHexString(at) + ")");
        return max;
    }

    /**
     * {@code |y − exact|} in units of the float ulp at {@code exact} (2⁻¹⁴⁹ in the subnormal
     * range); 0 when both are the same NaN or infinity, ∞ when only one is.
     */
    static double ulpError(float y, double exact) {
        if (Double.isNaN(exact) || Float.isNaN(y)) {
            return Double.isNaN(exact) && Float.isNaN(y) ? 0 : Double.POSITIVE_INFINITY;
        }
        float rounded = (float) exact;
        if (Float.isInfinite(rounded) || Float.isInfinite(y)) {
            return y == rounded ? 0 : Double.POSITIVE_INFINITY;
        }
        int e = exact == 0 ? -126 : Math.max(Math.getExponent(exact), -126);
        return Math.abs(y - exact) / Math.scalb(1.0, e - 23);
    }

    /** How many floats apart {@code a} and {@code b} are (0 for two NaNs). */
    static long ulpDistance(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    /** The float's position on the number line: monotone in its value, −0 and +0 both 0. */
    private static long ordered(float f) {
        int bits = Float.floatToIntBits(f);
        return bits >= 0 ? bits : -(long) (bits & 0x7FFF_FFFF);
    }

    private static double sigmoid(double x) {
        return UnaryOp.SIGMOID.apply(x);
    }

    @FunctionalInterface
    interface FloatUnary {
        float apply(float x);
    }
}
