package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code ln x} on float lanes from exactly specified IEEE operations only, for the reason of
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
 *       whose HotSpot intrinsic gives the same bits in every tier; in a vector, only when a lane
 *       needs it.</li>
 * </ol>
 * Measured against {@link Math#log} in double: see {@code SimdLogTest}.
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

    /** {@code ln x} in every lane. */
    static FloatVector log(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
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
        FloatVector r = kf.fma(f.broadcast(LN2_HI), f.add(y));
        VectorMask<Integer> outside = bits.compare(VectorOperators.LT, MIN_NORMAL_BITS)
                .or(bits.compare(VectorOperators.GE, INFINITY_BITS));
        return outside.anyTrue() ? outside(x, r, outside) : r;
    }

    /** {@code ln x}: {@link #log(FloatVector)} for one lane, bit for bit. */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (bits < MIN_NORMAL_BITS || bits >= INFINITY_BITS) {
            return (float) Math.log(x);
        }
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
        return Math.fma(kf, LN2_HI, f + y);
    }

    /** {@code r}, with the lanes outside the normal positive range from {@link Math#log} in double. */
    private static FloatVector outside(FloatVector x, FloatVector r, VectorMask<Integer> outside) {
        float[] in = x.toArray();
        return Simd.patchLanes(r, outside, j -> (float) Math.log(in[j]));
    }
}
