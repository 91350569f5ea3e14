package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryKernel;
import dev.ganglion.engine.kernel.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD twin of {@link ScalarUnary}. One loop per op, because C2 only intrinsifies a lanewise op
 * whose operator is a compile-time constant: a loop taking the op as an argument would fall back
 * to the per-lane Java implementation. {@code exp}, {@code expm1}, {@code tanh}, {@code sigmoid} and {@code silu}
 * are {@link SimdExp}'s, {@code log} and {@code log1p} {@link SimdLog}'s, {@code sin} and {@code cos}
 * {@link SimdTrig}'s and {@code pow} {@link SimdPow}'s (IEEE arithmetic only, so the same bits
 * interpreted or compiled, where the Vector API's lanewise ops are SVML stubs when compiled and a
 * Java fallback when not), and their tails and strided calls go through the scalar twins, so an
 * element's value does not depend on where it sits. {@code gelu_tanh} is {@code x·σ(2u)},
 * {@code 2u = 2√(2/π)·(x + 0.044715·x³)} in float with {@link SimdExp}'s σ (accuracy at its loop).
 * {@code erf} and the exact {@code gelu} are {@link SimdErf}'s, {@code softplus}
 * {@link SimdSoftplus}'s. Other ops
 * run stride ≠ 1 and the tail (fewer than one vector) through the scalar reference.
 */
public final class SimdUnary implements UnaryKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = S.length();
    private static final ScalarUnary SCALAR = new ScalarUnary();
    /** {@code 2·√(2/π)} and the cubic coefficient of the tanh form of GELU, in float. */
    private static final float GELU_TWO_K = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float GELU_KAPPA = 0.044715f;
    private static final float GELU_3KAPPA = 3 * GELU_KAPPA;

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdUnary() {}

    @Override
    public void apply(UnaryOp op, double p, double q, float[] x, int xOff, int xStride, float[] y, int yOff, int n) {
        if (op == UnaryOp.SOFTPLUS) {   // vectors and twin under one cutoff, found once
            softplus((float) p, SimdSoftplus.cutoff((float) p, (float) q), x, xOff, xStride, y, yOff, n);
            return;
        }
        if (xStride != 1) {
            tail(op, p, q, x, xOff, xStride, y, yOff, n);
            return;
        }
        int bound = S.loopBound(n);
        switch (op) {
            case NEG -> neg(x, xOff, y, yOff, bound);
            case EXP -> exp(x, xOff, y, yOff, bound);
            case LOG -> splitByRange(x, xOff, y, yOff, bound, SimdUnary::logClean, SimdUnary::logPlain, SimdLog::log);
            case SQRT -> sqrt(x, xOff, y, yOff, bound);
            case TANH -> tanh(x, xOff, y, yOff, bound);
            case SIGMOID -> sigmoid(x, xOff, y, yOff, bound);
            case RELU -> relu(x, xOff, y, yOff, bound);
            case SILU -> silu(x, xOff, y, yOff, bound);
            case SIN -> splitByRange(x, xOff, y, yOff, bound, SimdUnary::trigClean, SimdUnary::sinPlain, SimdTrig::sin);
            case COS -> splitByRange(x, xOff, y, yOff, bound, SimdUnary::trigClean, SimdUnary::cosPlain, SimdTrig::cos);
            case ABS -> abs(x, xOff, y, yOff, bound);
            case SQUARE -> square(x, xOff, y, yOff, bound);
            case RECIPROCAL -> reciprocal(x, xOff, y, yOff, bound);
            case CLAMP -> clamp((float) p, (float) q, x, xOff, y, yOff, bound);
            case POW -> pow(p, x, xOff, y, yOff, bound);
            case SCALE -> scale((float) p, x, xOff, y, yOff, bound);
            case ADD_SCALAR -> addScalar((float) p, x, xOff, y, yOff, bound);
            case GELU_TANH -> geluTanh(x, xOff, y, yOff, bound);
            case ERF -> erf(x, xOff, y, yOff, bound);
            case GELU -> gelu(x, xOff, y, yOff, bound);
            case LOG1P -> splitByRange(x, xOff, y, yOff, bound, SimdUnary::log1pClean, SimdUnary::log1pPlain,
                    SimdLog::log1p);
            case EXPM1 -> expm1(x, xOff, y, yOff, bound);
        }
        tail(op, p, q, x, xOff + bound, 1, y, yOff + bound, n - bound);
    }

    @Override
    public void flushBelow(float[] a, int off, int n, float below) {
        flushBelowRun(a, off, n, below);
    }

    /** {@link #flushBelow}, for this package's kernels (the GEMM's packing flushes subnormals). */
    static void flushBelowRun(float[] a, int off, int n, float below) {
        int belowBits = ScalarUnary.flushBound(below);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, off + i);
            if (below(x.reinterpretAsInts(), belowBits).anyTrue()) {   // most vectors have none: the pass only reads
                flushedBelow(x, belowBits).intoArray(a, off + i);
            }
        }
        for (; i < n; i++) {
            a[off + i] = ScalarUnary.flushBelow(a[off + i], belowBits);
        }
    }

    /**
     * {@code x} with each lane whose magnitude's bits are below {@code belowBits}
     * ({@link ScalarUnary#flushBound}) replaced by the zero of its sign: {@link ScalarUnary#flushBelow}
     * lane by lane, for this package's kernels (the flush pass above, Adam's stores).
     */
    static FloatVector flushedBelow(FloatVector x, int belowBits) {
        IntVector bits = x.reinterpretAsInts();
        return bits.blend(bits.and(Integer.MIN_VALUE), below(bits, belowBits)).reinterpretAsFloats();
    }

    /** The lanes of {@code bits} (a float's) whose magnitude is below {@code belowBits}. */
    private static VectorMask<Integer> below(IntVector bits, int belowBits) {
        return bits.and(Integer.MAX_VALUE).compare(VectorOperators.LT, belowBits);
    }

    /**
     * Elements outside the vector loop: {@link SimdExp}'s, {@link SimdLog}'s, {@link SimdTrig}'s,
     * {@link SimdErf}'s, {@link SimdSoftplus}'s and {@link SimdPow}'s scalar twins, or the scalar reference ({@code pow} with p = 2 too: its vector
     * loop is {@code x·x}, which is what {@code Math.pow(x, 2)} returns).
     */
    private static void tail(UnaryOp op, double p, double q, float[] x, int xo, int xs, float[] y, int yo, int n) {
        switch (op) {
            case EXP, EXPM1, LOG, LOG1P, TANH, SIGMOID, SILU, SIN, COS, GELU_TANH, ERF, GELU -> {
                for (int i = 0; i < n; i++) {
                    float v = x[xo + i * xs];
                    y[yo + i] = switch (op) {
                        case EXP -> SimdExp.exp(v);
                        case EXPM1 -> SimdExp.expm1(v);
                        case LOG -> SimdLog.log(v);
                        case LOG1P -> SimdLog.log1p(v);
                        case TANH -> SimdExp.tanh(v);
                        case SIGMOID -> SimdExp.sigmoid(v);
                        case SIN -> SimdTrig.sin(v);
                        case COS -> SimdTrig.cos(v);
                        case GELU_TANH -> v * SimdExp.sigmoid(geluTanhArg(v));
                        case ERF -> SimdErf.erf(v);
                        case GELU -> SimdErf.gelu(v);
                        default -> v * SimdExp.sigmoid(v);
                    };
                }
            }
            case POW -> {
                if (p == 2) {
                    SCALAR.apply(op, p, q, x, xo, xs, y, yo, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        y[yo + i] = SimdPow.pow(x[xo + i * xs], p);
                    }
                }
            }
            default -> SCALAR.apply(op, p, q, x, xo, xs, y, yo, n);
        }
    }

    private static void neg(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).neg().intoArray(y, yo + i);
        }
    }

    private static void exp(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            SimdExp.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void expm1(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            SimdExp.expm1(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    /** A loop of one op from x to y over n elements, a whole number of vectors. */
    private interface Run {
        void run(float[] x, int xo, float[] y, int yo, int n);
    }

    /**
     * How many of the n elements from {@code x[xo]} (a whole number of vectors) come before the first
     * vector with a lane out of an op's vector range: n if there is none.
     */
    private interface CleanPrefix {
        int length(float[] x, int xo, int n);
    }

    /**
     * A function whose out-of-range lanes take its scalar twin (log, log1p, sin, cos): over blocks of
     * at most {@link Simd#TWO_PASS_BLOCK} elements, a pass that finds the first vector with such a
     * lane, the vector loop alone (no branch) over the vectors before it, then that vector by the
     * twin ({@link Simd#twinLanes}), and on from the next. NOTE: with that branch in the vector loop,
     * C2 boxed the vectors of every step once the profile had seen the branch taken (10–42 MB a
     * 1,024² call, depending on the width and on which kernels shared the JVM), and sometimes when
     * it had not; here no vector crosses a branch or a call, and each loop is a method of its own,
     * called through an interface, so that each is compiled on its own. The vector loop is never
     * called for no element: called so between every two special values of dense ones, it was
     * compiled as a cold loop and boxed again (log1p: 16.8 MB a call at 512 bits). In place (y = x)
     * too: each vector is read before it is written.
     */
    private static void splitByRange(float[] x, int xo, float[] y, int yo, int bound, CleanPrefix clean, Run plain,
            Simd.FloatUnary twin) {
        for (int i = 0; i < bound; ) {
            int n = Math.min(bound - i, Simd.TWO_PASS_BLOCK);
            int c = clean.length(x, xo + i, n);
            if (c > 0) {
                plain.run(x, xo + i, y, yo + i, c);
            }
            i += c;
            if (c < n) {
                Simd.twinLanes(x, xo + i, twin, y, yo + i);
                i += L;
            }
        }
    }

    private static int logClean(float[] x, int xo, int n) {
        for (int i = 0; i < n; i += L) {
            if (SimdLog.outside(FloatVector.fromArray(S, x, xo + i).reinterpretAsInts()).anyTrue()) {
                return i;
            }
        }
        return n;
    }

    private static void logPlain(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            SimdLog.logInRange(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static int log1pClean(float[] x, int xo, int n) {
        for (int i = 0; i < n; i += L) {
            if (SimdLog.log1pOutside(FloatVector.fromArray(S, x, xo + i)).anyTrue()) {
                return i;
            }
        }
        return n;
    }

    private static void log1pPlain(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            SimdLog.log1pInRange(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    /** sin's and cos's: every |x| within {@link SimdTrig#LIMIT}. */
    private static int trigClean(float[] x, int xo, int n) {
        for (int i = 0; i < n; i += L) {
            if (SimdTrig.outside(FloatVector.fromArray(S, x, xo + i)).anyTrue()) {
                return i;
            }
        }
        return n;
    }

    private static void sinPlain(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            SimdTrig.sinInRange(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void cosPlain(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            SimdTrig.cosInRange(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void sqrt(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(y, yo + i);
        }
    }

    private static void tanh(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            SimdExp.tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void sigmoid(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            SimdExp.sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void silu(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(SimdExp.sigmoid(v)).intoArray(y, yo + i);
        }
    }

    /**
     * {@code y = x·σ(2u)}, GELU's tanh form ({@code ½·x·(1 + tanh u) = x·σ(2u)}, which does not cancel
     * for x ≪ 0). In float, 2u carries a few ulp of its own value, so y is within about
     * {@code |2u|·2⁻²²} relative of the double reference: ~10⁻⁵ where |y| is above 10⁻³⁰ (2u above
     * −71), a few ulp for |x| below 3.
     */
    private static void geluTanh(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(SimdExp.sigmoid(geluTanhArg(v))).intoArray(y, yo + i);
        }
    }

    /** {@code 2u = 2√(2/π)·(x + 0.044715·x³)} in every lane: the same operations as the scalar twin. */
    private static FloatVector geluTanhArg(FloatVector v) {
        return v.mul(v).mul(v).mul(GELU_KAPPA).add(v).mul(GELU_TWO_K);
    }

    /** {@link #geluTanhArg(FloatVector)} for one lane, bit for bit. */
    static float geluTanhArg(float v) {
        return (v * v * v * GELU_KAPPA + v) * GELU_TWO_K;
    }

    /**
     * The tanh form's slope {@code σ(2u) + 2x·σ(2u)·σ(−2u)·√(2/π)·(1 + 3·0.044715·x²)} in every lane,
     * in float (the vector form of {@code BinaryOp.GELU_TANH_GRAD}'s factor). Where
     * {@code σ(2u)·σ(−2u)} is 0 for a finite x the second term is 0, since its cubic factor may have
     * overflowed to ∞; at ±∞ it stays NaN, as the reference's. Within a few 10⁻⁶ of the double
     * reference for |x| up to 2, where the slope is at most 1.13 (an absolute bound: near x ≈ −0.75,
     * where the slope is 0, the relative error is unbounded).
     */
    static FloatVector geluTanhSlope(FloatVector x) {
        return geluTanhSlopeFrom(x, geluTanhSigmoid(x));
    }

    /**
     * {@code σ(2u)} of {@link #geluTanhSlope(FloatVector)}, its first half. NOTE: a kernel runs the two
     * halves as two loops over a block, each with one exponential: as one loop, C2 ran out of its node
     * budget and called the second σ with boxed vectors (17 MB allocated a 1024² gradient, 5.0 ms).
     */
    static FloatVector geluTanhSigmoid(FloatVector x) {
        return SimdExp.sigmoid(geluTanhArg(x));
    }

    /** The second half: the slope from x and its {@link #geluTanhSigmoid(FloatVector)}. */
    static FloatVector geluTanhSlopeFrom(FloatVector x, FloatVector s) {
        FloatVector u2 = geluTanhArg(x);
        FloatVector ss = s.mul(SimdExp.sigmoid(u2.neg()));
        FloatVector t = ss.mul(x.mul(GELU_TWO_K)).mul(x.mul(x).mul(GELU_3KAPPA).add(1f));
        t = t.blend(0f, ss.compare(VectorOperators.EQ, 0f).and(x.abs().compare(VectorOperators.LT, Float.POSITIVE_INFINITY)));
        return s.add(t);
    }

    /** {@link #geluTanhSlope(FloatVector)} for one lane, bit for bit. */
    static float geluTanhSlope(float x) {
        float u2 = geluTanhArg(x);
        float s = SimdExp.sigmoid(u2);
        float ss = s * SimdExp.sigmoid(-u2);
        float t = ss * (x * GELU_TWO_K) * (x * x * GELU_3KAPPA + 1f);
        if (ss == 0f && Math.abs(x) < Float.POSITIVE_INFINITY) {
            t = 0f;
        }
        return s + t;
    }

    private static void erf(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            SimdErf.erf(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    /** The exact gelu in its two halves ({@link SimdErf#geluTail}), a block at a time; in place safe. */
    private static void gelu(float[] x, int xo, float[] y, int yo, int bound) {
        if (bound == 0) {
            return;
        }
        float[] c = Simd.TWO_PASS_SCRATCH.acquire();
        try {
            for (int b = 0; b < bound; b += Simd.TWO_PASS_BLOCK) {
                int m = Math.min(bound - b, Simd.TWO_PASS_BLOCK);
                geluTails(x, xo + b, c, m);
                geluFinish(x, xo + b, c, y, yo + b, m);
            }
        } finally {
            Simd.TWO_PASS_SCRATCH.release(c);
        }
    }

    private static void geluTails(float[] x, int xo, float[] c, int n) {
        for (int i = 0; i < n; i += L) {
            SimdErf.geluTail(FloatVector.fromArray(S, x, xo + i)).intoArray(c, i);
        }
    }

    private static void geluFinish(float[] x, int xo, float[] c, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            SimdErf.geluFrom(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, c, i)).intoArray(y, yo + i);
        }
    }

    /**
     * softplus: where the stride is 1, {@link SimdSoftplus#softplus} in its two halves, a block at a
     * time, each half a loop in a method of its own (as one loop, exp and log1p took C2 past its node
     * budget, log1p's body became a call taking boxed vectors, and a 1024² softplus allocated 30 MB
     * in 6 ms); the scalar twin for every other element.
     */
    private static void softplus(float beta, float cutoff, float[] x, int xo, int xs, float[] y, int yo, int n) {
        int bound = xs == 1 ? S.loopBound(n) : 0;
        if (bound > 0) {
            float[] e = Simd.TWO_PASS_SCRATCH.acquire();
            try {
                for (int b = 0; b < bound; b += Simd.TWO_PASS_BLOCK) {
                    int m = Math.min(bound - b, Simd.TWO_PASS_BLOCK);
                    softplusSmallExp(beta, x, xo + b, e, m);
                    softplusFinish(beta, cutoff, x, xo + b, e, y, yo + b, m);
                }
            } finally {
                Simd.TWO_PASS_SCRATCH.release(e);
            }
        }
        for (int i = bound; i < n; i++) {
            y[yo + i] = SimdSoftplus.softplus(x[xo + i * xs], beta, cutoff);
        }
    }

    private static void softplusSmallExp(float beta, float[] x, int xo, float[] e, int n) {
        for (int i = 0; i < n; i += L) {
            SimdSoftplus.smallExp(FloatVector.fromArray(S, x, xo + i), beta).intoArray(e, i);
        }
    }

    private static void softplusFinish(float beta, float cutoff, float[] x, int xo, float[] e, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            SimdSoftplus.finish(v, FloatVector.fromArray(S, e, i), beta, cutoff).intoArray(y, yo + i);
        }
    }

    private static void relu(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
        }
    }

    private static void abs(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).abs().intoArray(y, yo + i);
        }
    }

    private static void square(float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(v).intoArray(y, yo + i);
        }
    }

    private static void reciprocal(float[] x, int xo, float[] y, int yo, int bound) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < bound; i += L) {
            one.div(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
    }

    private static void clamp(float lo, float hi, float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(lo).min(hi).intoArray(y, yo + i);
        }
    }

    private static void pow(double p, float[] x, int xo, float[] y, int yo, int bound) {
        if (p == 2) {
            // x·x is what Math.pow(x, 2) returns, and far cheaper than the general pow.
            square(x, xo, y, yo, bound);
            return;
        }
        if (!Double.isFinite(p)) {
            tail(UnaryOp.POW, p, 0, x, xo, 1, y, yo, bound);
            return;
        }
        for (int i = 0; i < bound; i += L) {
            SimdPow.pow(x, xo + i, p, y, yo + i);
        }
    }

    private static void scale(float s, float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(s).intoArray(y, yo + i);
        }
    }

    private static void addScalar(float s, float[] x, int xo, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).add(s).intoArray(y, yo + i);
        }
    }
}
