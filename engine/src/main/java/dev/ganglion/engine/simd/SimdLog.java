package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code ln x} and {@code ln(1 + x)} on float lanes from exactly specified IEEE operations only, for the reason of
 * {@link SimdExp}: the Vector API's {@code lanewise(LOG)} calls an SVML stub when C2 has compiled
 * the caller and a per-lane Java fallback when it has not, and the two differ in the last bit. The
 * scalar twin does the same operations in the same order.
 *
 * <ol>
 *   <li>Reduction in the integer domain (no blends, which C2 leaves to a slow fallback): with
 *       {@code i = bits(x) − bits(√½)}, {@code k = i >> 23} (arithmetic) and
 *       {@code m = float((i & 0x7FFFFF) + bits(√½))}, {@code x = m·2ᵏ} with {@code m ∈ [√½, √2)}.
 *       {@code f = m − 1} is exact (Sterbenz), so {@code ln 1 = 0} and values near 1 keep their
 *       relative accuracy.</li>
 *   <li>{@code ln(1 + f) ≈ f − f²/2 + f³·P(f)}, P Cephes' logf polynomial of degree 8 (Horner
 *       with fma); {@code k·ln 2} is added in two parts, {@code 0.693359375} (exact in 9 bits, so
 *       {@code k·0.693359375} is exact) and {@code −2.12194440·10⁻⁴}, the high part last.</li>
 *   <li>k becomes a float by the shifter trick ({@code float(k + bits(1.5·2²³)) − 1.5·2²³}), not a
 *       lane conversion.</li>
 *   <li>Zero, negative, subnormal, infinite and NaN arguments go to {@link Math#log} in double,
 *       whose HotSpot intrinsic gives the same bits in every tier; a vector with such a lane goes
 *       to the scalar twin whole ({@link Simd#twinLanes}).</li>
 * </ol>
 * Measured against {@link Math#log} in double: see {@code SimdLogTest}. {@code log1p} is the same
 * computation on {@code u = 1 + x} with u's rounding error added back (see
 * {@link #log1pInRange}), its out-of-range lanes from {@link Math#log1p}.
 */
final class SimdLog {
    /** The bits of √½ rounded to float: the reduced argument m starts here. */
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final int MANTISSA = 0x007fffff;
    /** The smallest normal float's bits and the bits of +∞: the fast path takes [MIN_NORMAL, +∞). */
    private static final int MIN_NORMAL_BITS = 0x00800000;
    private static final int INFINITY_BITS = 0x7f800000;
    /** 1.5·2²³: its bits plus a small integer k are the float 1.5·2²³ + k. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final int SHIFTER_BITS = 0x4b400000;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 7.0376836292e-2f;
    private static final float P1 = -1.1514610310e-1f;
    private static final float P2 = 1.1676998740e-1f;
    private static final float P3 = -1.2420140846e-1f;
    private static final float P4 = 1.4249322787e-1f;
    private static final float P5 = -1.6668057665e-1f;
    private static final float P6 = 2.0000714765e-1f;
    private static final float P7 = -2.4999993993e-1f;
    private static final float P8 = 3.3333331174e-1f;

    private SimdLog() {}

    /** {@code ln x} in the lanes where x is a positive normal float ({@link #outside} clear); garbage in others. */
    static FloatVector logInRange(FloatVector x) {
        return logPlus(x.reinterpretAsInts(), x.broadcast(0f));
    }

    /** {@code ln x}: {@link #logInRange} for one lane, bit for bit, and {@link Math#log} outside its range. */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        return outside(bits) ? (float) Math.log(x) : logPlus(bits, 0f);
    }

    /**
     * {@code ln(1 + x)} in the lanes where x is in its range ({@link #log1pOutside} clear; garbage in
     * others): {@code u = x + 1} with its rounding error c ({@code u + c = x + 1} exactly, by TwoSum),
     * and {@code ln(1 + x) = ln u + c/u} to within {@code (c/u)²/2 ≤ 2⁻⁴⁹}, c/u added to the small
     * terms before the final rounding. For |x| &lt; 2⁻²⁴, u = 1 and the result is x itself (subnormals
     * too), with x's sign (the sign bit of x is or-ed in, so that log1p(−0) = −0; a log1p has the sign
     * of its argument). x ≤ −1, +∞ and NaN (u outside the normal positive range, or c NaN) take
     * {@link Math#log1p} in double in the twin, {@link #log1p(float)}, and keep their sign there too
     * (−∞, NaN, +∞). Measured against {@link Math#log1p} over every float: see {@link #log1p(float)}.
     */
    static FloatVector log1pInRange(FloatVector x) {
        // the sign last, or-ed in: a log1p has the sign of its argument (log1p(−0) = −0)
        return log1pUnit(x).reinterpretAsInts().or(x.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
    }

    /** The lanes {@link #log1pInRange} does not cover: x ≤ −1, +∞ and NaN (u = 1 + x not a positive normal float). */
    static VectorMask<Integer> log1pOutside(FloatVector x) {
        return outside(x.add(1f).reinterpretAsInts());
    }

    /**
     * {@code ln(1 + x)}: {@link #log1pInRange} for one lane, bit for bit, and {@link Math#log1p}
     * outside its range. Measured against {@link Math#log1p} (double, then compared with the float
     * result) over all 2³² floats: max error 0.898 ulp (at x = 0.41302186, u near the top of the
     * reduced range), so every result is the correctly rounded float or its neighbour.
     */
    static float log1p(float x) {
        float r = outside(Float.floatToRawIntBits(x + 1f)) ? (float) Math.log1p(x) : log1pUnit(x);
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (Float.floatToRawIntBits(x) & Integer.MIN_VALUE));
    }

    /**
     * {@code ln u + c/u}, {@code u = 1 + x} and c its rounding error:
     * {@link #log1pInRange} without the range check, the fallback and the sign
     * fix. Its bits are
     * log1p's wherever u is a positive normal float and x is not −0, so for all of [0, 1]
     * (softplus's {@code e^{−|x|β}}). NOTE: the check, the fallback and the sign fix are what pushed
     * C2 past its node budget inside softplus's loop, which then called {@link #logPlus} with boxed
     * vectors (30 MB allocated a 1024² call, 6 ms).
     */
    static FloatVector log1pUnit(FloatVector x) {
        FloatVector one = x.broadcast(1f);
        FloatVector u = x.add(one);
        return logPlus(u.reinterpretAsInts(), Simd.twoSumError(x, one, u).div(u));
    }

    /** {@link #log1pUnit(FloatVector)} for one lane, bit for bit. */
    static float log1pUnit(float x) {
        float u = x + 1f;
        return logPlus(Float.floatToRawIntBits(u), Simd.twoSumError(x, 1f, u) / u);
    }

    /**
     * {@code ln x + d} for x (given by its bits) a positive normal float and |d| at most 2⁻²⁴ (a
     * correction, log1p's c/u): d joins the small terms before {@code f} and {@code k·LN2_HI}, so the
     * sum is rounded once more, not twice. With {@code d = +0} it is {@code ln x} bit for bit: the
     * sum is then {@code f + y}, as f is never −0.
     */
    private static FloatVector logPlus(IntVector bits, FloatVector d) {
        IntVector i = bits.sub(SQRT_HALF_BITS);
        IntVector k = i.lanewise(VectorOperators.ASHR, 23);
        FloatVector f = i.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
        FloatVector kf = k.add(SHIFTER_BITS).reinterpretAsFloats().sub(SHIFTER);
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(P0, P1);
        p = p.fma(f, f.broadcast(P2));
        p = p.fma(f, f.broadcast(P3));
        p = p.fma(f, f.broadcast(P4));
        p = p.fma(f, f.broadcast(P5));
        p = p.fma(f, f.broadcast(P6));
        p = p.fma(f, f.broadcast(P7));
        p = p.fma(f, f.broadcast(P8));
        FloatVector y = p.mul(f.mul(z));
        y = kf.fma(f.broadcast(LN2_LO), y);
        y = z.fma(f.broadcast(-0.5f), y);
        return kf.fma(f.broadcast(LN2_HI), f.add(y.add(d)));
    }

    /** {@link #logPlus(IntVector, FloatVector)} for one lane. */
    private static float logPlus(int bits, float d) {
        int i = bits - SQRT_HALF_BITS;
        int k = i >> 23;
        float f = Float.intBitsToFloat((i & MANTISSA) + SQRT_HALF_BITS) - 1f;
        float kf = Float.intBitsToFloat(k + SHIFTER_BITS) - SHIFTER;
        float z = f * f;
        float p = Math.fma(f, P0, P1);
        p = Math.fma(p, f, P2);
        p = Math.fma(p, f, P3);
        p = Math.fma(p, f, P4);
        p = Math.fma(p, f, P5);
        p = Math.fma(p, f, P6);
        p = Math.fma(p, f, P7);
        p = Math.fma(p, f, P8);
        float y = p * (f * z);
        y = Math.fma(kf, LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        return Math.fma(kf, LN2_HI, f + (y + d));
    }

    /** The lanes whose bits are not those of a positive normal float (zero, negative, subnormal, ∞, NaN). */
    static VectorMask<Integer> outside(IntVector bits) {
        return bits.compare(VectorOperators.LT, MIN_NORMAL_BITS).or(bits.compare(VectorOperators.GE, INFINITY_BITS));
    }

    /** {@link #outside(IntVector)} for one lane. */
    private static boolean outside(int bits) {
        return bits < MIN_NORMAL_BITS || bits >= INFINITY_BITS;
    }
}
