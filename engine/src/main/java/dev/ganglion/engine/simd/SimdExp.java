package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code eˣ}, {@code eˣ − 1}, {@code σ(x)} and {@code tanh x} on float lanes from exactly specified IEEE operations
 * only (add, mul, div, {@code fma}, compares and blends, integer shifts, bit reinterpretation), so
 * that a result is the same bit for bit whether the calling code is interpreted, C1- or
 * C2-compiled. The Vector API's {@code lanewise(EXP/TANH)} is not: C2 calls an SVML stub, the
 * interpreter and non-intrinsified code a per-lane Java fallback (also 10–20× slower), and the two
 * differ in the last bit, so identical training runs could diverge. Each vector function has a
 * scalar twin of the same name doing the same operations in the same order ({@link Math#fma}
 * included); the kernels use it for their tails, so an element's value does not depend on its
 * position, the vector width, or the layout.
 *
 * <h2>exp</h2>
 * <ol>
 *   <li>Range reduction {@code x = n·ln2 + r}. {@code t = fma(x, log₂e, 1.5·2²³)} rounds
 *       {@code x·log₂e} to the nearest integer (the floats in [2²³, 2²⁴) are the integers), so
 *       {@code n = t − 1.5·2²³} exactly, and n sits in the low bits of t. Then Cody–Waite in two
 *       fmas, {@code r = fma(n, −LN2_HI, x)}, {@code r = fma(n, −LN2_LO, r)}: {@code LN2_HI} is ln2
 *       rounded to float, {@code LN2_LO} the float nearest {@code ln2 − LN2_HI}. The first is
 *       exact (for n ≠ 0, |x| > ¼, so {@code x − n·LN2_HI} is a multiple of 2⁻²⁵ below ½: 24
 *       bits), the second rounds once. |r| < 0.3466 (ln2/2, plus 10⁻⁶ as log₂e is rounded).</li>
 *   <li>{@code eʳ ≈ 1 + r + c₂r² + … + c₆r⁶}, Horner with fma; c₂…c₆ minimax for the relative
 *       error on |r| ≤ 0.3466: 3.8·10⁻⁹ (0.03 ulp) with the coefficients rounded to float.</li>
 *   <li>Scaling by {@code 2ⁿ = 2^n₁·2^n₂}, {@code n₁ = ⌊n/2⌋}, {@code n₂ = n − n₁}, as two
 *       products. Their bits come from t's: {@code (bits(t) >> 1) << 23 = n₁·2²³} and
 *       {@code bits(t) << 23 = n·2²³} (the shifter's own bits shift out), plus the bias
 *       {@code 127·2²³}. For x ∈ [−104, 89], n ∈ [−150, 128] and n₁, n₂ ∈ [−75, 64] are normal
 *       exponents; {@code p·2^n₁} is exact and the second product rounds once, so results in the
 *       subnormal range underflow gradually (rounded once, from p), and +∞ comes exactly when the
 *       scaled p exceeds the float range.</li>
 *   <li>{@code x > 89 → +∞} and {@code x < −104 → +0} by blends (so ±∞ too); NaN fails both
 *       comparisons and propagates through the arithmetic.</li>
 * </ol>
 * Measured against {@link Math#exp} (double, then compared with the float result) over all 2³²
 * floats: max error 0.909 ulp; every result is the correctly rounded float (99.75 %) or its
 * neighbour, subnormal results included.
 *
 * <h2>σ and tanh</h2>
 * {@code σ(x) = 1/(1+e)} for x ≥ 0 and {@code e/(1+e)} below, with {@code e = e^−|x|} (never
 * overflows). {@code tanh x} is tanh |x| with x's sign bit: {@code 1 − 2/(e^{2|x|} + 1)} for
 * |x| ≥ {@value #TANH_SMALL}, where the cancellation in {@code 1 − q} costs little ({@code q < ½});
 * below, the odd polynomial {@code |x| + |x|³·P(x²)}, P of degree 4, minimax for the relative
 * error (8.5·10⁻⁹ with float coefficients), so that tanh keeps full relative accuracy down to 0
 * (tanh 10⁻⁵ is correctly rounded) and tanh(±0) = ±0. Measured over all floats against
 * {@link Math}: σ max 2.40 ulp (at most 2 floats from the correctly rounded one), tanh max 1.36
 * ulp (at most 1 float away). {@code SimdExpTest} checks the bounds on a sweep of every 997th
 * float, special values, and the vector functions against their twins bit for bit.
 *
 * <h2>Callers</h2>
 * These methods are not {@code @ForceInline} like the Vector API's own: when a caller's compilation
 * has reached C2's inlining node budget ({@code NodeCountInliningCutoff}), a call that takes or
 * returns a vector is left out of line and every vector is boxed (several times slower, and
 * allocating). The inlined exp is large, so keep the loops that call it small, and do not wrap
 * {@code FloatVector.fromArray} and the like in private helpers in the same methods.
 */
final class SimdExp {
    private static final float LOG2E = 0x1.715476p0f;
    /** 1.5·2²³: adding it rounds to an integer, kept in the low mantissa bits. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final float LN2_HI = 0x1.62e43p-1f;
    private static final float LN2_LO = -0x1.05c61p-29f;
    /** eʳ ≈ 1 + r + C2·r² + … + C6·r⁶ on |r| ≤ 0.3466. */
    private static final float C2 = 0x1.fffffcp-2f;
    private static final float C3 = 0x1.555492p-3f;
    private static final float C4 = 0x1.5558f2p-5f;
    private static final float C5 = 0x1.1239e0p-7f;
    private static final float C6 = 0x1.6a243ap-10f;
    /** The exponent bias in place: the bits of 1.0f. */
    private static final int BIAS = 127 << 23;
    /** Above, eˣ overflows: +∞. */
    private static final float EXP_HI = 89f;
    /** Below, eˣ < 2⁻¹⁵⁰ rounds to 0. */
    private static final float EXP_LO = -104f;
    /** expm1's x is clamped here: from −17.33 on, eˣ − 1 rounds to −1. */
    static final float EXPM1_LO = -20f;

    /** Below this |x|, tanh is the odd polynomial. */
    static final float TANH_SMALL = 0.625f;
    /** tanh x ≈ x + x³·(T0 + T1·x² + … + T4·x⁸) on |x| ≤ 0.625. */
    private static final float T0 = -0x1.555532p-2f;
    private static final float T1 = 0x1.110726p-3f;
    private static final float T2 = -0x1.b83c5ap-5f;
    private static final float T3 = 0x1.522698p-6f;
    private static final float T4 = -0x1.75e1c2p-8f;

    private SimdExp() {}

    /** {@code eˣ} in every lane. */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.fma(LOG2E, SHIFTER);
        FloatVector r = reduced(x, t);
        FloatVector one = x.broadcast(1f);
        FloatVector p = poly(r).fma(r, one);
        p = p.fma(r, one);
        IntVector tb = t.reinterpretAsInts();
        IntVector half = tb.lanewise(VectorOperators.ASHR, 1).lanewise(VectorOperators.LSHL, 23);
        FloatVector s1 = half.add(BIAS).reinterpretAsFloats();
        FloatVector s2 = tb.lanewise(VectorOperators.LSHL, 23).sub(half).add(BIAS).reinterpretAsFloats();
        FloatVector y = p.mul(s1).mul(s2);
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
        return y.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
    }

    /** {@code eˣ}: {@link #exp(FloatVector)} for one lane, bit for bit. */
    static float exp(float x) {
        float t = Math.fma(x, LOG2E, SHIFTER);
        float r = reduced(x, t);
        float p = Math.fma(poly(r), r, 1f);
        p = Math.fma(p, r, 1f);
        int tb = Float.floatToRawIntBits(t);
        int half = (tb >> 1) << 23;
        float s1 = Float.intBitsToFloat(half + BIAS);
        float s2 = Float.intBitsToFloat((tb << 23) - half + BIAS);
        float y = p * s1 * s2;
        if (x > EXP_HI) {
            y = Float.POSITIVE_INFINITY;
        }
        return x < EXP_LO ? 0f : y;
    }

    /**
     * {@code eˣ − 1} in every lane, with full relative accuracy near 0 (no {@code eˣ − 1}
     * cancellation). x is clamped to [{@value #EXPM1_LO}, 89] (below, the result rounds to −1; above,
     * it overflows as at 89; NaN stays NaN), then reduced as for {@link #exp} to
     * {@code x = n·ln2 + r + c}, c the rounding error of the second Cody–Waite step (its fma's
     * rounding error, to a few ulp of itself), and {@code eʳ⁺ᶜ − 1 ≈ r + h},
     * {@code h = r²·(C2 + C3·r + … + C6·r⁴) + c·(1 + r)}, exp's polynomial (as an {@code eʳ − 1} its
     * relative error is below 0.3 ulp on |r| ≤ 0.3466, as {@code C2 = ½ − 2⁻²⁴}). Then
     * {@code eˣ − 1 = 2^n₂·(2^n₁·r + (2^n₁ − 2^−n₂) + 2^n₁·h)} with exp's split {@code n = n₁ + n₂}:
     * the first two terms (exact; the second for |n| ≤ 24, beyond which the −1 is below half an ulp of
     * the result or the result is −1) are added with their rounding error kept (TwoSum), as they
     * cancel for n = ±1 and r of the other sign, and the rest joins that error, so the sum is rounded
     * about once. The product by {@code 2^n₂} is exact, or overflows exactly when the rounded value
     * exceeds the float range. For |x| &lt; ln2/2, n = 0 and the result is {@code x + h} (x itself for
     * |x| below 2⁻²⁴, subnormals included). x's sign bit is or-ed in, so that expm1(−0) = −0 (an expm1
     * has the sign of its argument). Measured against {@link Math#expm1}: see {@link #expm1(float)}.
     */
    static FloatVector expm1(FloatVector x) {
        FloatVector xc = x.max(EXPM1_LO).min(EXP_HI);
        FloatVector t = xc.fma(LOG2E, SHIFTER);
        FloatVector n = t.sub(SHIFTER);
        FloatVector rh = n.fma(x.broadcast(-LN2_HI), xc);
        FloatVector r = n.fma(x.broadcast(-LN2_LO), rh);
        FloatVector c = n.fma(x.broadcast(-LN2_LO), rh.sub(r));
        FloatVector h = poly(r).fma(r.mul(r), c.fma(r, c));
        IntVector tb = t.reinterpretAsInts();
        IntVector half = tb.lanewise(VectorOperators.ASHR, 1).lanewise(VectorOperators.LSHL, 23);
        IntVector n2 = tb.lanewise(VectorOperators.LSHL, 23).sub(half);
        FloatVector s1 = half.add(BIAS).reinterpretAsFloats();
        FloatVector s2 = n2.add(BIAS).reinterpretAsFloats();
        FloatVector inv2 = n2.neg().add(BIAS).reinterpretAsFloats();
        FloatVector b = s1.mul(r);
        FloatVector d = s1.sub(inv2);
        FloatVector a = b.add(d);
        FloatVector e = Simd.twoSumError(b, d, a).add(s1.sub(d).sub(inv2));
        FloatVector y = a.add(s1.fma(h, e)).mul(s2);
        return y.reinterpretAsInts().or(x.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
    }

    /**
     * {@code eˣ − 1}: {@link #expm1(FloatVector)} for one lane, bit for bit. Measured against
     * {@link Math#expm1} (double, then compared with the float result) over all 2³² floats: max error
     * 1.009 ulp (at x = 0.34691, just above ln2/2: n = 1 and r = −0.3462, where
     * {@code 2·(r + ½ + h)} passes on the polynomial's and r²'s errors at twice their size), so every
     * result is the correctly rounded float or its neighbour.
     */
    static float expm1(float x) {
        float xc = Math.min(Math.max(x, EXPM1_LO), EXP_HI);
        float t = Math.fma(xc, LOG2E, SHIFTER);
        float n = t - SHIFTER;
        float rh = Math.fma(n, -LN2_HI, xc);
        float r = Math.fma(n, -LN2_LO, rh);
        float c = Math.fma(n, -LN2_LO, rh - r);
        float h = Math.fma(poly(r), r * r, Math.fma(c, r, c));
        int tb = Float.floatToRawIntBits(t);
        int half = (tb >> 1) << 23;
        int n2 = (tb << 23) - half;
        float s1 = Float.intBitsToFloat(half + BIAS);
        float s2 = Float.intBitsToFloat(n2 + BIAS);
        float inv2 = Float.intBitsToFloat(-n2 + BIAS);
        float b = s1 * r;
        float d = s1 - inv2;
        float a = b + d;
        float e = Simd.twoSumError(b, d, a) + (s1 - d - inv2);
        float y = (a + Math.fma(s1, h, e)) * s2;
        return Float.intBitsToFloat(Float.floatToRawIntBits(y) | (Float.floatToRawIntBits(x) & Integer.MIN_VALUE));
    }

    /**
     * r of the reduction {@code x = n·ln2 + r}, {@code t = fma(x, log₂e, 1.5·2²³)} holding n: Cody–Waite
     * in two fmas.
     */
    private static FloatVector reduced(FloatVector x, FloatVector t) {
        FloatVector n = t.sub(SHIFTER);
        FloatVector r = n.fma(x.broadcast(-LN2_HI), x);
        return n.fma(x.broadcast(-LN2_LO), r);
    }

    /** {@link #reduced(FloatVector, FloatVector)} for one lane. */
    private static float reduced(float x, float t) {
        float n = t - SHIFTER;
        float r = Math.fma(n, -LN2_HI, x);
        return Math.fma(n, -LN2_LO, r);
    }

    /** {@code C2 + C3·r + … + C6·r⁴}: eʳ ≈ 1 + r + r²·poly(r). */
    private static FloatVector poly(FloatVector r) {
        FloatVector p = r.fma(C6, C5);
        p = p.fma(r, r.broadcast(C4));
        p = p.fma(r, r.broadcast(C3));
        return p.fma(r, r.broadcast(C2));
    }

    /** {@link #poly(FloatVector)} for one lane. */
    private static float poly(float r) {
        float p = Math.fma(r, C6, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        return Math.fma(p, r, C2);
    }

    /** {@code σ(x)} in every lane. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        return e.blend(1f, x.compare(VectorOperators.GE, 0f)).div(e.add(1f));
    }

    /** {@code σ(x)}: {@link #sigmoid(FloatVector)} for one lane, bit for bit. */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        return (x >= 0f ? 1f : e) / (e + 1f);
    }

    /** {@code tanh x} in every lane. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector one = x.broadcast(1f);
        FloatVector big = one.sub(x.broadcast(2f).div(exp(a.add(a)).add(one)));
        FloatVector s = a.mul(a);
        FloatVector q = s.fma(T4, T3);
        q = q.fma(s, x.broadcast(T2));
        q = q.fma(s, x.broadcast(T1));
        q = q.fma(s, x.broadcast(T0));
        FloatVector small = a.mul(s).fma(q, a);
        IntVector abs = big.blend(small, a.compare(VectorOperators.LT, TANH_SMALL)).reinterpretAsInts();
        return abs.or(x.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
    }

    /** {@code tanh x}: {@link #tanh(FloatVector)} for one lane, bit for bit. */
    static float tanh(float x) {
        float a = Math.abs(x);
        float abs;
        if (a < TANH_SMALL) {
            float s = a * a;
            float q = Math.fma(s, T4, T3);
            q = Math.fma(q, s, T2);
            q = Math.fma(q, s, T1);
            q = Math.fma(q, s, T0);
            abs = Math.fma(a * s, q, a);
        } else {
            abs = 1f - 2f / (exp(a + a) + 1f);
        }
        return Math.copySign(abs, x);
    }
}
