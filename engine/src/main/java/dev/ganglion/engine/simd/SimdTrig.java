package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code sin x} and {@code cos x} on float lanes from exactly specified IEEE operations only, for
 * the reason of {@link SimdExp}: the Vector API's {@code lanewise(SIN/COS)} calls an SVML stub
 * when C2 has compiled the caller and a per-lane Java fallback when it has not, the two differ in
 * the last bit, and a CircuitNet run (clipsin) differed from an identical one by ~10⁻⁹ from its
 * first epoch. Each vector function has a scalar twin doing the same operations in the same order.
 *
 * <ol>
 *   <li>Quadrant: {@code t = fma(|x|, 2/π, 1.5·2²³)} rounds {@code |x|·2/π} to the nearest integer
 *       n, kept in t's low bits (as in {@link SimdExp}); {@code r = |x| − n·π/2}, about
 *       {@code [−π/4, π/4]}, by Cody–Waite in three fmas with π/2 split into three floats. The
 *       first is exact (for n ≥ 1, {@code |x| − n·PIO2_HI} is a multiple of 2⁻²³ below 1), so r
 *       keeps its relative accuracy where x is close to a multiple of π/2 (Cephes' 8-bit split of
 *       π/4, meant for machines without fma, gave up to 41 ulp there).</li>
 *   <li>{@code sin r ≈ r + r³·(S1 + S2·r² + S3·r⁴)}, {@code cos r ≈ 1 − r²/2 + r⁴·(C1 + C2·r² +
 *       C3·r⁴)} (Cephes' sinf and cosf coefficients), Horner with fma.</li>
 *   <li>{@code n mod 4} picks the polynomial and the sign: sin x is {@code sin r, cos r, −sin r,
 *       −cos r} in quadrants 0–3, and cos x is sin x one quadrant on. sin takes x's sign bit at the
 *       end (so {@code sin(−0) = −0}).</li>
 *   <li>{@code |x| > 8192}, ±∞ and NaN (where the reduction would lose its accuracy) go to
 *       {@link Math#sin}/{@link Math#cos} in double, whose HotSpot intrinsics give the same bits in
 *       every tier; a vector with such a lane goes to the scalar twin whole
 *       ({@link Simd#twinLanes}).</li>
 * </ol>
 * Measured against {@link Math} in double over every 997th float with {@code |x| ≤ 8192}: see
 * {@code SimdTrigTest}.
 */
final class SimdTrig {
    /** Beyond this |x| (and for ±∞, NaN) the double {@link Math} functions are used. */
    static final float LIMIT = 8192f;
    private static final float TWO_OVER_PI = 0x1.45f306p-1f;
    /** 1.5·2²³: adding it rounds to an integer, kept in the low mantissa bits. */
    private static final float SHIFTER = 0x1.8p23f;
    /** π/2 = PIO2_HI + PIO2_MID + PIO2_LO + 1.1·10⁻²³: each the float nearest what is left. */
    private static final float PIO2_HI = 0x1.921fb6p0f;
    private static final float PIO2_MID = -0x1.777a5cp-25f;
    private static final float PIO2_LO = -0x1.ee59dap-50f;
    private static final float S1 = -1.6666654611e-1f;
    private static final float S2 = 8.3321608736e-3f;
    private static final float S3 = -1.9515295891e-4f;
    private static final float C1 = 4.166664568298827e-2f;
    private static final float C2 = -1.388731625493765e-3f;
    private static final float C3 = 2.443315711809948e-5f;

    private SimdTrig() {}

    /** {@code sin x} in the lanes where |x| is within {@link #LIMIT} ({@link #outside} clear); garbage in others. */
    static FloatVector sinInRange(FloatVector x) {
        return trig(x, true);
    }

    /** {@code cos x} in the lanes where |x| is within {@link #LIMIT}, as {@link #sinInRange}. */
    static FloatVector cosInRange(FloatVector x) {
        return trig(x, false);
    }

    /** {@code sin x}: {@link #sinInRange} for one lane, bit for bit, and {@link Math#sin} beyond {@link #LIMIT}. */
    static float sin(float x) {
        return trig(x, true);
    }

    /** {@code cos x}: {@link #cosInRange} for one lane, bit for bit, and {@link Math#cos} beyond {@link #LIMIT}. */
    static float cos(float x) {
        return trig(x, false);
    }

    /**
     * sin, or cos as sin one quadrant on ({@code cos x = sin(x + π/2)}: quadrant n + 1, and no sign
     * taken from x). By quadrant q: the cosine polynomial when q is odd, negative when q has bit 1.
     */
    private static FloatVector trig(FloatVector x, boolean sine) {
        FloatVector a = x.abs();
        FloatVector t = a.fma(TWO_OVER_PI, SHIFTER);
        FloatVector r = reduce(a, t.sub(SHIFTER));
        FloatVector z = r.mul(r);
        IntVector q = t.reinterpretAsInts().add(sine ? 0 : 1);
        VectorMask<Integer> odd = q.and(1).compare(VectorOperators.NE, 0);
        IntVector bits = sinPoly(z, r).reinterpretAsInts().blend(cosPoly(z).reinterpretAsInts(), odd);
        // sin takes x's sign bit, cos none: a mask by a scalar select, not a branch (a vector merged
        // from two branches is boxed)
        return bits.lanewise(VectorOperators.XOR, q.and(2).lanewise(VectorOperators.LSHL, 30))
                .lanewise(VectorOperators.XOR, x.reinterpretAsInts().and(sine ? Integer.MIN_VALUE : 0))
                .reinterpretAsFloats();
    }

    private static float trig(float x, boolean sine) {
        float a = Math.abs(x);
        if (!(a <= LIMIT)) {
            return (float) (sine ? Math.sin(x) : Math.cos(x));
        }
        float t = Math.fma(a, TWO_OVER_PI, SHIFTER);
        float r = reduce(a, t - SHIFTER);
        float z = r * r;
        int q = Float.floatToRawIntBits(t) + (sine ? 0 : 1);
        int bits = Float.floatToRawIntBits((q & 1) != 0 ? cosPoly(z) : sinPoly(z, r)) ^ ((q & 2) << 30);
        if (sine) {
            bits ^= Float.floatToRawIntBits(x) & Integer.MIN_VALUE;
        }
        return Float.intBitsToFloat(bits);
    }

    /** {@code a − n·π/2} in three fmas. */
    private static FloatVector reduce(FloatVector a, FloatVector n) {
        FloatVector r = n.fma(a.broadcast(-PIO2_HI), a);
        r = n.fma(a.broadcast(-PIO2_MID), r);
        return n.fma(a.broadcast(-PIO2_LO), r);
    }

    private static float reduce(float a, float n) {
        float r = Math.fma(n, -PIO2_HI, a);
        r = Math.fma(n, -PIO2_MID, r);
        return Math.fma(n, -PIO2_LO, r);
    }

    private static FloatVector sinPoly(FloatVector z, FloatVector r) {
        FloatVector p = z.fma(S3, S2);
        p = p.fma(z, z.broadcast(S1));
        return p.fma(z.mul(r), r);
    }

    private static float sinPoly(float z, float r) {
        float p = Math.fma(z, S3, S2);
        p = Math.fma(p, z, S1);
        return Math.fma(p, z * r, r);
    }

    private static FloatVector cosPoly(FloatVector z) {
        FloatVector p = z.fma(C3, C2);
        p = p.fma(z, z.broadcast(C1));
        return p.fma(z.mul(z), z.fma(-0.5f, 1f));
    }

    private static float cosPoly(float z) {
        float p = Math.fma(z, C3, C2);
        p = Math.fma(p, z, C1);
        return Math.fma(p, z * z, Math.fma(z, -0.5f, 1f));
    }

    /** The lanes whose |x| is beyond {@link #LIMIT} or NaN: those only the twin handles ({@link Math} in double). */
    static VectorMask<Float> outside(FloatVector x) {
        return x.abs().compare(VectorOperators.LE, LIMIT).not();
    }
}
