package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.BinaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code x^y} on float lanes from exactly specified IEEE operations only, for the reason of
 * {@link SimdExp}: the Vector API's {@code pow} calls an SVML stub when C2 has compiled the caller
 * and a per-lane Java fallback when it has not, and the two differ in the last bit. The scalar twin
 * does the same operations in the same order.
 *
 * <p>Computed in double as {@code exp(y·ln x)}, each float vector as two halves, each converted to
 * a double vector of the same lane count (as cheap as a copy, measured): the float
 * result carries the relative error of {@code y·ln x}'s absolute error (|y·ln x| reaches 104 for
 * results that are still floats), which float arithmetic would make ~50 ulp and double makes
 * ~10⁻¹⁴.
 * <ol>
 *   <li>{@code ln x}, fdlibm's method: with {@code i = bits(x) − bits(√½)} (as longs),
 *       {@code k = i >> 52} and {@code m = double((i & mantissa) + bits(√½)) ∈ [√½, √2)},
 *       {@code x = m·2ᵏ}; with {@code f = m − 1}, {@code s = f/(2 + f)}:
 *       {@code ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²))}, R fdlibm's degree-7 polynomial;
 *       {@code ln x = k·ln2_hi + (ln(1 + f) + k·ln2_lo)}.</li>
 *   <li>{@code t = y·ln x}, |t| clamped to 200 (beyond, the float result is 0 or ∞ either way).</li>
 *   <li>{@code e^t = 2ⁿ·e^r}: n by the shifter trick, {@code r = t − n·ln 2} (two fmas, ln 2 in two
 *       parts), {@code |r| ≤ ln2/2}; {@code e^r} by its Taylor polynomial of degree 9 (truncation
 *       below 10⁻¹¹, 10⁻⁴ float ulp), in Estrin's order; 2ⁿ built from its exponent bits.</li>
 *   <li>Rounded once to float. Lanes with x ≤ 0, x = ∞ or NaN, or y infinite or NaN go to
 *       {@link BinaryOp#pow} in double ({@link Math#pow}, whose HotSpot intrinsic gives the same bits
 *       in every tier, with C99's {@code 1ᵇ = 1}); a vector with such a lane goes to the scalar
 *       twin whole.</li>
 * </ol>
 * Measured against {@link Math#pow} in double: see {@code SimdPowTest}.
 */
final class SimdPow {
    private static final VectorSpecies<Float> S = Simd.F32;
    /** Doubles of the active width: half of {@link Simd#F32}'s lanes, widened from and narrowed to them. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    private static final int HALF_LANES = D.length();
    /**
     * The first {@link #HALF_LANES} lanes of {@link #S}, under which half a vector of floats is loaded
     * and stored, not through a species of half the width ({@link Simd#F32} says why).
     */
    private static final VectorMask<Float> LOWER = S.indexInRange(0, HALF_LANES);
    private static final int INFINITY_BITS = 0x7f800000;
    private static final long SQRT_HALF_BITS = Double.doubleToRawLongBits(0x1.6a09e667f3bcdp-1);
    private static final long MANTISSA = 0x000fffffffffffffL;
    /** 1.5·2⁵²: its bits plus a small integer k are the double 1.5·2⁵² + k. */
    private static final double SHIFTER = 0x1.8p52;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double INV_LN2 = 1.44269504088896338700e+00;
    private static final double LG1 = 6.666666666666735130e-01;
    private static final double LG2 = 3.999999999940941908e-01;
    private static final double LG3 = 2.857142874366239149e-01;
    private static final double LG4 = 2.222219843214978396e-01;
    private static final double LG5 = 1.818357216161805012e-01;
    private static final double LG6 = 1.531383769920937332e-01;
    private static final double LG7 = 1.479819860511658591e-01;
    /** The bits of 200: |y·ln x| is clamped to it, beyond which every float result is 0 or ∞. */
    private static final long T_MAX_BITS = Double.doubleToRawLongBits(200);
    /** 1/k! for k = 2 … 9: e^r's Taylor coefficients (with 1, 1 for k = 0, 1). */
    private static final double E2 = 1 / 2.0;
    private static final double E3 = 1 / 6.0;
    private static final double E4 = 1 / 24.0;
    private static final double E5 = 1 / 120.0;
    private static final double E6 = 1 / 720.0;
    private static final double E7 = 1 / 5040.0;
    private static final double E8 = 1 / 40320.0;
    private static final double E9 = 1 / 362880.0;

    private SimdPow() {}

    /**
     * {@code y[yo + j] = a[ao + j]^b[bo + j]} for j in [0, {@link Simd#LANES}) (a caller with a
     * broadcast operand hands a run of copies).
     */
    static void pow(float[] a, int ao, float[] b, int bo, float[] y, int yo) {
        pow(a, ao, b, bo, false, 0, y, yo);
    }

    /** {@code y[yo + j] = x[xo + j]^p} for j in [0, {@link Simd#LANES}), p a finite double (the caller sends other p to the twin). */
    static void pow(float[] x, int xo, double p, float[] y, int yo) {
        pow(x, xo, x, xo, true, p, y, yo);
    }

    /**
     * Both: the exponent from b, or p when {@code useP} (b is then read but not used). One method with
     * the whole computation written out: split into helpers taking vectors, the biggest was "too big"
     * for C2 to inline, and a call taking vectors boxes them (7× slower than the SVML pow, measured).
     * NOTE: no vector or mask is chosen by a branch (useP, a stride): where C2 compiles this method on
     * its own, a value merged from two branches is boxed (a 1024² pow with a tensor exponent
     * allocated 10.5 MB against its 4.2 MB result); p enters by an fma instead, and a vector with a
     * lane outside the fast path goes to the twin as a whole, before anything is computed.
     */
    private static void pow(float[] a, int ao, float[] b, int bo, boolean useP, double p, float[] y, int yo) {
        // lanes for Math.pow: x ≤ 0 (any negative, ±0), +∞ or NaN; e infinite or NaN (not with p).
        // On whole vectors: x86 C2 has no two-lane masks, so with 128-bit vectors a mask of a half boxed.
        IntVector xb = FloatVector.fromArray(S, a, ao).reinterpretAsInts();
        if (xb.compare(VectorOperators.LE, 0).or(xb.compare(VectorOperators.GE, INFINITY_BITS))
                .or(FloatVector.fromArray(S, b, bo).reinterpretAsInts().and(Integer.MAX_VALUE)
                        .compare(VectorOperators.GE, INFINITY_BITS).and(xb.species().maskAll(!useP)))
                .anyTrue()) {
            twinLanes(a, ao, b, bo, useP, p, y, yo);
            return;
        }
        // the exponent is e·1 + 0, or e·0 + p with p (e is then x, finite here)
        double eScale = useP ? 0 : 1;
        double eShift = useP ? p : 0;
        for (int h = 0; h < Simd.LANES; h += HALF_LANES) {
            FloatVector xf = FloatVector.fromArray(S, a, ao + h, LOWER);
            FloatVector ef = FloatVector.fromArray(S, b, bo + h, LOWER);
            DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector e = ((DoubleVector) ef.convertShape(VectorOperators.F2D, D, 0)).fma(eScale, eShift);
            // ln x
            LongVector i = x.reinterpretAsLongs().sub(SQRT_HALF_BITS);
            DoubleVector k = i.lanewise(VectorOperators.ASHR, 52).add(SHIFTER_BITS).reinterpretAsDoubles().sub(SHIFTER);
            DoubleVector f = i.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsDoubles().sub(1);
            DoubleVector s = f.div(f.add(2));
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            DoubleVector ra = w.fma(LG7, LG5).fma(w, w.broadcast(LG3)).fma(w, w.broadcast(LG1)).mul(z);
            DoubleVector rb = w.fma(LG6, LG4).fma(w, w.broadcast(LG2)).mul(w);
            DoubleVector hf = f.mul(f).mul(0.5);
            DoubleVector log1p = s.mul(hf.add(ra.add(rb))).add(k.mul(LN2_LO)).sub(hf).add(f);
            // t = y·ln x, |t| clamped to 200 on the bits (|t| as a long is monotone in |t|): max and min
            // with Java's NaN and −0 rules had cost a third of the time; then e^t = 2^n·e^r
            LongVector tb = k.fma(x.broadcast(LN2_HI), log1p).mul(e).reinterpretAsLongs();
            DoubleVector t = tb.and(Long.MAX_VALUE).min(T_MAX_BITS).or(tb.and(Long.MIN_VALUE)).reinterpretAsDoubles();
            DoubleVector u = t.fma(x.broadcast(INV_LN2), x.broadcast(SHIFTER));
            DoubleVector n = u.sub(SHIFTER);
            DoubleVector r = n.fma(x.broadcast(-LN2_HI), t);
            r = n.fma(x.broadcast(-LN2_LO), r);
            // e^r by Estrin's scheme (fewer dependent steps than Horner)
            DoubleVector r2 = r.mul(r);
            DoubleVector r4 = r2.mul(r2);
            DoubleVector q03 = r.fma(E3, E2).fma(r2, r.add(1));
            DoubleVector q47 = r.fma(E7, E6).fma(r2, r.fma(E5, E4));
            DoubleVector q = r.fma(E9, E8).fma(r4.mul(r4), q47.fma(r4, q03));
            LongVector scale = u.reinterpretAsLongs().sub(SHIFTER_BITS - 1023).lanewise(VectorOperators.LSHL, 52);
            ((FloatVector) q.mul(scale.reinterpretAsDoubles()).convertShape(VectorOperators.D2F, S, 0))
                    .intoArray(y, yo + h, LOWER);
        }
    }

    /**
     * Every lane by the twin, for a vector with a lane outside the fast path (the same bits in the
     * others); each element is read before it is written, so y may be a or b at the same offset.
     */
    private static void twinLanes(float[] a, int ao, float[] b, int bo, boolean useP, double p, float[] y, int yo) {
        for (int j = 0; j < Simd.LANES; j++) {
            y[yo + j] = pow(a[ao + j], useP ? p : b[bo + j]);
        }
    }

    /** {@code x^y}: the vector functions for one lane, bit for bit. */
    static float pow(float x, double y) {
        int xb = Float.floatToRawIntBits(x);
        if (xb <= 0 || xb >= INFINITY_BITS || !Double.isFinite(y)) {
            return (float) BinaryOp.pow(x, y);
        }
        return (float) fast(x, y);
    }

    /** {@code exp(y·ln x)} for x positive and finite, y finite: one lane of the vector computation. */
    private static double fast(double x, double y) {
        long i = Double.doubleToRawLongBits(x) - SQRT_HALF_BITS;
        double k = Double.longBitsToDouble((i >> 52) + SHIFTER_BITS) - SHIFTER;
        double f = Double.longBitsToDouble((i & MANTISSA) + SQRT_HALF_BITS) - 1;
        double s = f / (f + 2);
        double z = s * s;
        double w = z * z;
        double ra = Math.fma(Math.fma(Math.fma(w, LG7, LG5), w, LG3), w, LG1) * z;
        double rb = Math.fma(Math.fma(w, LG6, LG4), w, LG2) * w;
        double hf = f * f * 0.5;
        double log1p = s * (hf + (ra + rb)) + k * LN2_LO - hf + f;
        long tb = Double.doubleToRawLongBits(Math.fma(k, LN2_HI, log1p) * y);
        double t = Double.longBitsToDouble(Math.min(tb & Long.MAX_VALUE, T_MAX_BITS) | (tb & Long.MIN_VALUE));
        double u = Math.fma(t, INV_LN2, SHIFTER);
        double n = u - SHIFTER;
        double r = Math.fma(n, -LN2_HI, t);
        r = Math.fma(n, -LN2_LO, r);
        double r2 = r * r;
        double r4 = r2 * r2;
        double q03 = Math.fma(Math.fma(r, E3, E2), r2, r + 1);
        double q47 = Math.fma(Math.fma(r, E7, E6), r2, Math.fma(r, E5, E4));
        double p = Math.fma(Math.fma(r, E9, E8), r4 * r4, Math.fma(q47, r4, q03));
        return p * Double.longBitsToDouble((Double.doubleToRawLongBits(u) - (SHIFTER_BITS - 1023)) << 52);
    }
}
