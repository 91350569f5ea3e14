package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * softplus {@code y = ln(1 + e^{βx})/β}, and {@code y = x} where {@code x·β > threshold}
 * ({@link dev.ganglion.engine.kernel.UnaryOp#SOFTPLUS}), on float lanes from IEEE operations,
 * {@link SimdExp#exp} and {@link SimdLog#log1p} only (see {@link SimdExp} for why), with a scalar
 * twin doing the same operations in the same order, bit for bit.
 *
 * <ul>
 *   <li>The threshold rule is the reference's to the bit: for float x and β the product
 *       {@code x·β} is exact in double, so the x it keeps are those from one float on,
 *       {@link #cutoff(float, float)}, found once a call; a lane is x where {@code x ≥ cutoff}.</li>
 *   <li>Elsewhere {@code y = max(x, 0) + ln(1 + e^{−|x|β})/β} (the same value: for x &gt; 0,
 *       {@code ln(1 + e^{xβ}) = xβ + ln(1 + e^{−xβ})}): the exponential never overflows, and for
 *       x &gt; 0 the x is added exactly as it is, not rounded through {@code xβ/β}. The product is
 *       split, {@code −|x|β = hi + lo} ({@code lo = fma(−|x|, β, −hi)} exactly), and
 *       {@code e^{−|x|β} = e^{hi}·(1 + lo)} by one fma, so the rounding of {@code |x|β} (up to
 *       {@code |x|β·2⁻²⁴} relative in the exponential) does not reach the result. |x| is clamped to
 *       {@code 128/β} first (e^{−|x|β} is 0 there already), so the product is finite and ±∞ give
 *       {@code lo} no ∞ − ∞.</li>
 * </ul>
 * Unlike the double reference, whose {@code e^{xβ}} overflows for {@code xβ} above 709.78 (only
 * reached with a threshold above that), the result there is x, finite. Where {@code e^{−|x|β}} is
 * subnormal ({@code xβ < −87.3}) it carries fewer bits: with β ≥ 1 the result is then subnormal too
 * and within a few 2⁻¹⁴⁹, but with β &lt; 1 a normal result {@code e^{xβ}/β} keeps only e's bits.
 * Measured against the double reference rounded to float: see {@link #softplus(float, float, float)}.
 */
final class SimdSoftplus {
    /** |x|·β is clamped here: e^{−128} is far below the smallest float. */
    private static final double CAP = 128;

    private SimdSoftplus() {}

    /**
     * The smallest float x with {@code x·β > threshold} in double (exact for floats x and β), so
     * that {@code x ≥ cutoff} is the reference's rule for every float x; NaN when no x qualifies
     * (threshold +∞ or NaN), so that no lane compares true.
     *
     * @throws IllegalArgumentException when β is not a positive finite float (as
     *     {@code Elementwise.softplus} checks before it calls a kernel)
     */
    static float cutoff(float beta, float threshold) {
        if (!(beta > 0 && beta < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("softplus: beta must be positive and finite, got " + beta);
        }
        if (!(threshold < Float.POSITIVE_INFINITY)) {
            return Float.NaN;
        }
        // threshold/β rounded (twice, monotonically) is at most the smallest float above it: step up
        float c = (float) ((double) threshold / beta);
        while (!((double) c * beta > threshold)) {
            c = Math.nextUp(c);
        }
        return c;
    }

    /** softplus in every lane; {@code cutoff} is {@link #cutoff(float, float)} of β and the threshold. */
    static FloatVector softplus(FloatVector x, float beta, float cutoff) {
        return finish(x, smallExp(x, beta), beta, cutoff);
    }

    /** {@code e^{−|x|β}}, the first half of {@link #softplus(FloatVector, float, float)}. */
    static FloatVector smallExp(FloatVector x, float beta) {
        FloatVector a = x.abs().min(cap(beta)).neg();
        FloatVector hi = a.mul(beta);
        FloatVector lo = a.fma(x.broadcast(beta), hi.neg());
        FloatVector e = SimdExp.exp(hi);
        return e.fma(lo, e);
    }

    /** The second half: softplus from x and its {@link #smallExp(FloatVector, float)}. */
    static FloatVector finish(FloatVector x, FloatVector e, float beta, float cutoff) {
        FloatVector y = SimdLog.log1pUnit(e).div(beta).add(x.max(0f));
        return y.blend(x, x.compare(VectorOperators.GE, cutoff));
    }

    /**
     * softplus: {@link #softplus(FloatVector, float, float)} for one lane, bit for bit. Measured
     * against the double reference ({@code UnaryOp.SOFTPLUS}) over every 101st float: max error 1.55
     * ulp with β = 1 (at x = −1.268: e^x, log1p and their roundings, the division by β being exact), 1.64
     * with β = 2, 1.59 with β = ½, 2.52 with β = 3.3 (at x = −4.907: the product's correction and the
     * division round too), 2.51 with β = 100, 2.40 with β = 1.7; {@code SimdSoftplusTest} checks 3.
     */
    static float softplus(float x, float beta, float cutoff) {
        float a = -Math.min(Math.abs(x), cap(beta));
        float hi = a * beta;
        float lo = Math.fma(a, beta, -hi);
        float e = SimdExp.exp(hi);
        e = Math.fma(e, lo, e);
        float y = SimdLog.log1pUnit(e) / beta + Math.max(x, 0f);
        return x >= cutoff ? x : y;
    }

    /** {@code 128/β} as a float ({@link Float#MAX_VALUE} where it would overflow): |x| is clamped to it. */
    private static float cap(float beta) {
        return (float) Math.min(CAP / beta, Float.MAX_VALUE);
    }
}
