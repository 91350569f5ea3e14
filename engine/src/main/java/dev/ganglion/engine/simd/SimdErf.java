package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code erf x}, the exact GELU {@code x·Φ(x)} and its slope {@code Φ(x) + x·φ(x)} on float lanes, from IEEE operations and
 * {@link SimdExp#exp} only (see {@link SimdExp} for why), each with a scalar twin doing the same
 * operations in the same order, bit for bit.
 *
 * <p>With {@code a = |x|} (erf is odd):
 * <ul>
 *   <li>{@code a < }{@value #SMALL}: {@code erf a = a + a·P(a²)}, P of degree 5 (relative error of
 *       erf 1.5·10⁻⁹ with float coefficients), rounded once by an fma, so tiny and subnormal x keep
 *       full relative accuracy and erf(±0) = ±0.
 *   <li>above: {@code erfc a = e^{−a²}·Q(t)}, {@code t = 1/(1 + a/2)}, Q of degree 11 (relative error
 *       2.2·10⁻⁸ on [0.625, 10] with float coefficients), and {@code erf a = 1 − erfc a}. The square
 *       is split, {@code a² = hi + lo} ({@code lo = fma(a, a, −hi)} exactly), and
 *       {@code e^{−a²} = e^{−hi}·(1 − lo)} by one fma, so the rounding of a² (up to 2⁻²⁴·a², 6·10⁻⁶
 *       relative at a = 10) does not reach erfc. a is clamped to {@value #CLAMP} first (erfc
 *       underflows to 0 there, and a² cannot overflow); erf rounds to ±1 from about 3.92 by itself.
 * </ul>
 * GELU is {@code x·Φ(x)}, {@code Φ(x) = ½·(1 + erf b)} for {@code b = x/√2} below
 * {@value #SMALL} in magnitude, else {@code 1 − ½·erfc b} for x ≥ 0 and {@code ½·erfc|b|} for
 * x &lt; 0, the small erfc itself (no cancellation in the left tail). There the square is that of x
 * (clamped to ±{@value #GELU_CLAMP}), halved: {@code b² = x²/2} split exactly, so the rounding of
 * {@code b = x·(1/√2)} reaches only Q, not the exponential. NaN gives NaN, and GELU(−∞) is NaN
 * ({@code −∞·0}) like the double reference.
 *
 * <p>The coefficients come from {@code engine/src/test/python/fit_erf_float.py} (Lawson-weighted
 * least squares against 60-digit mpmath values, then rounded to float). Measured against the double
 * reference ({@link dev.ganglion.engine.kernel.Erf}) over every float of magnitude up to 16
 * ({@code SimdErfTest} checks every 61st, and all with {@code -Dganglion.exhaustive=true}): erf
 * within 2.79 ulp, GELU within 6.61 while its result is normal; see {@link #erf(float)} and
 * {@link #gelu(float)}.
 */
final class SimdErf {
    /** Below this |x| (or |x/√2| for GELU), erf is the odd polynomial. */
    static final float SMALL = 0.625f;
    /** erfc's argument is clamped here: e^{−100} times Q is below the smallest float. */
    static final float CLAMP = 10f;
    /** GELU's x is clamped to ±this before its square is formed: e^{−x²/2} is 0 beyond 14.5. */
    static final float GELU_CLAMP = 16f;
    private static final float INV_SQRT2 = (float) Math.sqrt(0.5);
    /** {@code 1/√(2π)}, φ's factor. */
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    /** erf a ≈ a + a·(P0 + P1·a² + … + P5·a¹⁰) on a &lt; 0.625. */
    private static final float P0 = 0x1.06eba8p-3f;
    private static final float P1 = -0x1.812744p-2f;
    private static final float P2 = 0x1.ce2e10p-4f;
    private static final float P3 = -0x1.b7fe26p-6f;
    private static final float P4 = 0x1.52b860p-8f;
    private static final float P5 = -0x1.7c3688p-11f;
    /** erfc a ≈ e^{−a²}·(Q0 + Q1·t + … + Q11·t¹¹), t = 1/(1 + a/2), on [0.625, 10]. */
    private static final float Q0 = -0x1.107722p-23f;
    private static final float Q1 = 0x1.20def4p-2f;
    private static final float Q2 = 0x1.20c00ep-2f;
    private static final float Q3 = 0x1.fc210cp-3f;
    private static final float Q4 = 0x1.55c79ep-3f;
    private static final float Q5 = 0x1.0ce8fep-3f;
    private static final float Q6 = -0x1.60ef52p-3f;
    private static final float Q7 = 0x1.6eed48p-2f;
    private static final float Q8 = -0x1.818800p-1f;
    private static final float Q9 = 0x1.7bc694p-1f;
    private static final float Q10 = -0x1.694546p-2f;
    private static final float Q11 = 0x1.15331ap-4f;

    private SimdErf() {}

    /** {@code erf x} in every lane. */
    static FloatVector erf(FloatVector x) {
        FloatVector a = x.abs().min(CLAMP);
        FloatVector hi = a.mul(a);
        FloatVector lo = a.fma(a, hi.neg());
        FloatVector small = erfSmall(a, hi);
        FloatVector big = x.broadcast(1f).sub(erfcBig(a, hi, lo, x.broadcast(1f)));
        IntVector abs = big.blend(small, a.compare(VectorOperators.LT, SMALL)).reinterpretAsInts();
        return abs.or(x.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
    }

    /**
     * {@code erf x}: {@link #erf(FloatVector)} for one lane, bit for bit. Measured against
     * {@link dev.ganglion.engine.kernel.Erf#erf} over every float in [−10, 10] (and so everywhere:
     * beyond, both are ±1): every float of magnitude up to 16 (2.2·10⁹ values), max error 2.79 ulp
     * (at x = 0.6335, just above {@value #SMALL}, where {@code 1 − erfc} passes on erfc's error),
     * 0.034 % of them more than 1 ulp off.
     */
    static float erf(float x) {
        float a = Math.min(Math.abs(x), CLAMP);
        float hi = a * a;
        float abs = a < SMALL ? erfSmall(a, hi) : 1f - erfcBig(a, hi, Math.fma(a, a, -hi), 1f);
        return Math.copySign(abs, x);
    }

    /** The exact GELU {@code x·Φ(x)} in every lane: {@link #geluFrom} of {@link #geluTail}. */
    static FloatVector gelu(FloatVector x) {
        return geluFrom(x, geluTail(x));
    }

    /**
     * The first half of {@link #gelu(FloatVector)}: {@code ½·erfc(|x|/√2)} scaled by x below 0, the
     * part with the exponential. NOTE: a kernel runs the two halves as two loops over a block: as
     * one loop, in a run of every op in one JVM, C2 called a half with boxed vectors (9.4 MB
     * allocated a 1024² gelu against its 4.2 MB result).
     */
    static FloatVector geluTail(FloatVector x) {
        FloatVector xc = x.max(-GELU_CLAMP).min(GELU_CLAMP);
        FloatVector sq = xc.mul(xc);
        FloatVector half = x.broadcast(0.5f);
        FloatVector hi = sq.mul(half);
        FloatVector lo = xc.fma(xc, sq.neg()).mul(half);
        return erfcBig(xc.mul(INV_SQRT2).abs(), hi, lo, half.blend(x.mul(half), x.compare(VectorOperators.LT, 0f)));
    }

    /** The second half: the series near 0, and x·(1 − c) or c beyond, from x and its {@link #geluTail}. */
    static FloatVector geluFrom(FloatVector x, FloatVector c) {
        FloatVector xc = x.max(-GELU_CLAMP).min(GELU_CLAMP);
        FloatVector b = xc.mul(INV_SQRT2);
        FloatVector half = x.broadcast(0.5f);
        FloatVector small = x.mul(erfSmall(b, xc.mul(xc).mul(half)).fma(half, half));
        FloatVector big = x.mul(x.broadcast(1f).sub(c)).blend(c, x.compare(VectorOperators.LT, 0f));
        return big.blend(small, b.abs().compare(VectorOperators.LT, SMALL));
    }

    /**
     * The exact GELU {@code x·Φ(x)}: {@link #gelu(FloatVector)} for one lane, bit for bit. Measured
     * against the double reference {@code GeluMath.exact} ({@code UnaryOp.GELU}) over every
     * float of magnitude up to 16 (2.2·10⁹ values): max error 6.61 ulp (at x = −1.829, where
     * {@code ½·erfc} of the rounded {@code x/√2} adds the errors of the exponential, the division for t,
     * Q and the products) while the result is a normal float (x above −13.2), 1 % of them more than 1
     * ulp off; below, where it is subnormal, within 2.3·2⁻¹⁴⁹.
     */
    static float gelu(float x) {
        float xc = Math.min(Math.max(x, -GELU_CLAMP), GELU_CLAMP);
        float b = xc * INV_SQRT2;
        float a = Math.abs(b);
        float sq = xc * xc;
        float hi = sq * 0.5f;
        if (a < SMALL) {
            return x * Math.fma(erfSmall(b, hi), 0.5f, 0.5f);
        }
        float c = erfcBig(a, hi, Math.fma(xc, xc, -sq) * 0.5f, x < 0f ? x * 0.5f : 0.5f);
        return x < 0f ? c : x * (1f - c);
    }

    /**
     * The exact GELU's slope {@code Φ(x) + x·φ(x)}, {@code φ(x) = e^{−x²/2}/√(2π)}, in every lane
     * ({@code BinaryOp.GELU_GRAD}'s factor): Φ as in {@link #gelu(FloatVector)}, φ from the same
     * Gaussian {@code e^{−x²/2}} of the exactly split square (formed a second time, see
     * {@link #erfcBig(FloatVector, FloatVector, FloatVector, FloatVector)}), and {@code fma(x, φ, Φ)}
     * rounded once. NaN at ±∞ ({@code ∞·0}), as the double reference.
     */
    static FloatVector geluSlope(FloatVector x) {
        return slopeFrom(x, cdf(x));
    }

    /**
     * Φ(x) of {@link #geluSlope(FloatVector)}, its first half. NOTE: a kernel runs the two halves as
     * two loops over a block, each with one exponential: as one loop C2 had compiled geluSlope on its
     * own and called it with boxed vectors (63 MB allocated a 1024² gradient, 9 ms).
     */
    static FloatVector cdf(FloatVector x) {
        FloatVector xc = x.max(-GELU_CLAMP).min(GELU_CLAMP);
        FloatVector sq = xc.mul(xc);
        FloatVector hi = sq.mul(0.5f);
        FloatVector lo = xc.fma(xc, sq.neg()).mul(0.5f);
        FloatVector b = xc.mul(INV_SQRT2);
        // erfSmall before erfcBig, as in gelu: the other way round C2 ran out of its node budget
        // after erfcBig and left erfSmall a call taking boxed vectors
        FloatVector small = erfSmall(b, hi).fma(0.5f, 0.5f);
        FloatVector c = erfcBig(b.abs(), hi, lo, x.broadcast(0.5f));
        FloatVector big = c.blend(x.broadcast(1f).sub(c), x.compare(VectorOperators.GE, 0f));
        return big.blend(small, b.abs().compare(VectorOperators.LT, SMALL));
    }

    /** The second half: {@code fma(x, φ(x), Φ)} from x and its {@link #cdf(FloatVector)}. */
    static FloatVector slopeFrom(FloatVector x, FloatVector cdf) {
        FloatVector xc = x.max(-GELU_CLAMP).min(GELU_CLAMP);
        FloatVector sq = xc.mul(xc);
        FloatVector g = gauss(sq.mul(0.5f), xc.fma(xc, sq.neg()).mul(0.5f));
        return x.fma(g.mul(INV_SQRT_2PI), cdf);
    }

    /**
     * The exact GELU's slope: {@link #geluSlope(FloatVector)} for one lane, bit for bit. Measured
     * against the double reference ({@code BinaryOp.GELU_GRAD} with a = 1) over every 61st float of
     * magnitude up to 16: absolute error at most 1.5·10⁻⁷ (the slope is at most 1.13 and crosses 0 near
     * x = −0.75, where no relative bound holds); outside [−1, −0.5] and above −13.2 within 7.7 ulp (at
     * x = −1.066, next to that zero, where Φ and x·φ cancel); below −13.2, where e^{−x²/2} is subnormal,
     * within 14·2⁻¹⁴⁹.
     */
    static float geluSlope(float x) {
        float xc = Math.min(Math.max(x, -GELU_CLAMP), GELU_CLAMP);
        float sq = xc * xc;
        float hi = sq * 0.5f;
        float lo = Math.fma(xc, xc, -sq) * 0.5f;
        float b = xc * INV_SQRT2;
        float g = gauss(hi, lo);
        float cdf;
        if (Math.abs(b) < SMALL) {
            cdf = Math.fma(erfSmall(b, hi), 0.5f, 0.5f);
        } else {
            float c = erfcBig(Math.abs(b), hi, lo, 0.5f);
            cdf = x >= 0f ? 1f - c : c;
        }
        return Math.fma(x, g * INV_SQRT_2PI, cdf);
    }

    /** {@code a + a·P(s)}, erf a for |a| &lt; {@value #SMALL}, {@code s ≈ a²} (odd in a). */
    private static FloatVector erfSmall(FloatVector a, FloatVector s) {
        FloatVector p = s.fma(P5, P4);
        p = p.fma(s, a.broadcast(P3));
        p = p.fma(s, a.broadcast(P2));
        p = p.fma(s, a.broadcast(P1));
        p = p.fma(s, a.broadcast(P0));
        return a.fma(p, a);
    }

    /** {@link #erfSmall(FloatVector, FloatVector)} for one lane. */
    private static float erfSmall(float a, float s) {
        float p = Math.fma(s, P5, P4);
        p = Math.fma(p, s, P3);
        p = Math.fma(p, s, P2);
        p = Math.fma(p, s, P1);
        p = Math.fma(p, s, P0);
        return Math.fma(a, p, a);
    }

    /**
     * {@code e^{−(hi + lo)} = e^{−hi}·(1 − lo)} by one fma: the Gaussian of a square split exactly,
     * {@code hi + lo}, so that the rounding of the square does not reach it.
     */
    private static FloatVector gauss(FloatVector hi, FloatVector lo) {
        FloatVector e = SimdExp.exp(hi.neg());
        return e.fma(lo.neg(), e);
    }

    /** {@link #gauss(FloatVector, FloatVector)} for one lane. */
    private static float gauss(float hi, float lo) {
        float e = SimdExp.exp(-hi);
        return Math.fma(e, -lo, e);
    }

    /**
     * {@code m·erfc a = e^{−(hi + lo)}·(m·Q(1/(1 + a/2)))} for a ≥ {@value #SMALL}, {@code hi + lo} its
     * square, the Gaussian as {@link #gauss} forms it: m (1 for erf, ½ or ½x for GELU) multiplies Q
     * before the exponential, so that a normal result does not pass through a subnormal product.
     * The Gaussian is formed here, first, not passed in: formed in gelu before this call, C2 ran out
     * of its node budget (NodeCountInliningCutoff) before inlining Q, boxing the vectors (7 ms a
     * 1024x1024 gelu instead of 2.3), so the gelu slope forms it a second time. NOTE: Q's constants
     * are broadcast from t, and t formed from a by fmas with scalars: broadcast from the argument a
     * after the Gaussian, C2's own compile of this method was 2,536 bytes at 256 bits, above
     * InlineSmallCode, so every later call site refused it (now 1,392; 1,360 at 128 bits, 1,528 at
     * 512; {@code scripts/jit-report.sh}).
     */
    private static FloatVector erfcBig(FloatVector a, FloatVector hi, FloatVector lo, FloatVector m) {
        FloatVector g = gauss(hi, lo);
        FloatVector d = a.fma(0.5f, 1f);
        FloatVector t = d.broadcast(1f).div(d);
        FloatVector q = t.fma(Q11, Q10);
        q = q.fma(t, t.broadcast(Q9));
        q = q.fma(t, t.broadcast(Q8));
        q = q.fma(t, t.broadcast(Q7));
        q = q.fma(t, t.broadcast(Q6));
        q = q.fma(t, t.broadcast(Q5));
        q = q.fma(t, t.broadcast(Q4));
        q = q.fma(t, t.broadcast(Q3));
        q = q.fma(t, t.broadcast(Q2));
        q = q.fma(t, t.broadcast(Q1));
        q = q.fma(t, t.broadcast(Q0));
        return g.mul(q.mul(m));
    }

    /** {@link #erfcBig(FloatVector, FloatVector, FloatVector, FloatVector)} for one lane. */
    private static float erfcBig(float a, float hi, float lo, float m) {
        float g = gauss(hi, lo);
        float t = 1f / Math.fma(a, 0.5f, 1f);
        float q = Math.fma(t, Q11, Q10);
        q = Math.fma(q, t, Q9);
        q = Math.fma(q, t, Q8);
        q = Math.fma(q, t, Q7);
        q = Math.fma(q, t, Q6);
        q = Math.fma(q, t, Q5);
        q = Math.fma(q, t, Q4);
        q = Math.fma(q, t, Q3);
        q = Math.fma(q, t, Q2);
        q = Math.fma(q, t, Q1);
        q = Math.fma(q, t, Q0);
        return g * (q * m);
    }
}
