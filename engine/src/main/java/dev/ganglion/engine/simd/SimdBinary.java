package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.BinaryKernel;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.ScalarBinary;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD twin of {@link ScalarBinary} for the three stride patterns broadcasting produces:
 * vector–vector (both strides 1), vector–scalar and scalar–vector (one stride 0, the bias-add case:
 * the scalar is read from a run of copies of it, {@link #source}). One loop per op, in a method of its own, since
 * C2 only intrinsifies constant operators and boxes the vectors of a method too big to compile whole
 * (see {@code vectorLoop}). Other strides and the tail run through the scalar reference,
 * except {@code pow}'s, which run through {@link SimdPow}'s scalar twin. The two gelu gradients
 * have a vector loop for the vector–vector pattern and their float twins for every other element (see
 * {@code SimdUnary.geluTanhSlope} and {@link SimdErf#geluSlope(float)}).
 */
public final class SimdBinary implements BinaryKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = S.length();
    private static final ScalarBinary SCALAR = new ScalarBinary();
    /**
     * Per thread, runs of {@link #L} copies of a broadcast a (from 0) and b (from L): every loop reads
     * its operands from arrays ({@link #source}), so that no vector is chosen between a load and a
     * broadcast register per step (a vector merged from two branches, a shape C2 boxed elsewhere).
     * Taken after minimum at 128 bits allocated 12.6 MB a 1,024² call in one run of
     * {@code AllocationPerCallTest}; SQRT, which has no broadcast operand, later failed the same way,
     * and the likelier cause of both was found since: a second float species ({@link Simd#F32}).
     */
    private static final ThreadLocal<float[]> COPIES = ThreadLocal.withInitial(() -> new float[2 * L]);

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdBinary() {}

    @Override
    public void apply(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                      float[] y, int yOff, int n) {
        if (op == BinaryOp.GELU_GRAD || op == BinaryOp.GELU_TANH_GRAD) {
            geluGrad(op == BinaryOp.GELU_GRAD, a, aOff, aStride, b, bOff, bStride, y, yOff, n);
            return;
        }
        int bound = S.loopBound(n);
        // bound > 0 guards the broadcast reads too: with n = 0 there may be no element to read.
        if (bound > 0 && (aStride == 1 && (bStride == 1 || bStride == 0) || aStride == 0 && bStride == 1)) {
            vectorLoop(op, a, aOff, aStride, b, bOff, bStride, y, yOff, bound);
        } else {
            bound = 0;
        }
        int ao = aOff + bound * aStride;
        int bo = bOff + bound * bStride;
        if (op == BinaryOp.POW) {
            // SimdPow's twin, so an element's value does not depend on where it sits
            for (int i = 0; i < n - bound; i++) {
                y[yOff + bound + i] = SimdPow.pow(a[ao + i * aStride], b[bo + i * bStride]);
            }
        } else {
            SCALAR.apply(op, a, ao, aStride, b, bo, bStride, y, yOff + bound, n - bound);
        }
    }

    /**
     * {@code y = a·gelu'(b)} for {@link BinaryOp#GELU_GRAD} (the exact GELU's slope) or
     * {@link BinaryOp#GELU_TANH_GRAD} (the tanh form's): vectors where both strides are 1, the float
     * twin ({@link SimdErf#geluSlope(float)}, {@link SimdUnary#geluTanhSlope(float)}) everywhere
     * else. The vectors run the slope in its two halves, a block at a time, each a loop in a method
     * of its own with one exponential (see {@link SimdErf#cdf(FloatVector)}).
     */
    private static void geluGrad(boolean exact, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo,
                                 int n) {
        int bound = as == 1 && bs == 1 ? S.loopBound(n) : 0;
        if (bound > 0) {
            float[] half = Simd.TWO_PASS_SCRATCH.acquire();
            try {
                for (int k = 0; k < bound; k += Simd.TWO_PASS_BLOCK) {
                    int m = Math.min(bound - k, Simd.TWO_PASS_BLOCK);
                    if (exact) {
                        geluCdf(b, bo + k, half, m);
                        geluSlopeTimes(a, ao + k, b, bo + k, half, y, yo + k, m);
                    } else {
                        geluTanhSigmoids(b, bo + k, half, m);
                        geluTanhSlopeTimes(a, ao + k, b, bo + k, half, y, yo + k, m);
                    }
                }
            } finally {
                Simd.TWO_PASS_SCRATCH.release(half);
            }
        }
        for (int i = bound; i < n; i++) {
            float x = b[bo + i * bs];
            y[yo + i] = a[ao + i * as] * (exact ? SimdErf.geluSlope(x) : SimdUnary.geluTanhSlope(x));
        }
    }

    private static void geluTanhSigmoids(float[] b, int bo, float[] s, int m) {
        for (int i = 0; i < m; i += L) {
            SimdUnary.geluTanhSigmoid(v(b, bo + i)).intoArray(s, i);
        }
    }

    private static void geluTanhSlopeTimes(float[] a, int ao, float[] b, int bo, float[] s, float[] y, int yo, int m) {
        for (int i = 0; i < m; i += L) {
            v(a, ao + i).mul(SimdUnary.geluTanhSlopeFrom(v(b, bo + i), v(s, i))).intoArray(y, yo + i);
        }
    }

    private static void geluCdf(float[] b, int bo, float[] cdf, int m) {
        for (int i = 0; i < m; i += L) {
            SimdErf.cdf(v(b, bo + i)).intoArray(cdf, i);
        }
    }

    private static void geluSlopeTimes(float[] a, int ao, float[] b, int bo, float[] cdf, float[] y, int yo, int m) {
        for (int i = 0; i < m; i += L) {
            v(a, ao + i).mul(SimdErf.slopeFrom(v(b, bo + i), v(cdf, i))).intoArray(y, yo + i);
        }
    }

    /**
     * The vector loop of one op over the three patterns (both strides 1, or one of them 0: that operand
     * read from a run of copies, {@link #source}). Each op is a small method of its own: as the branches of one method,
     * C2 inlined the first few loops' vector calls and, past its node budget, called the rest with
     * boxed vectors (in a run over every op, {@code mul} allocated 17 MB and {@code lt} 28 MB a 1024²
     * call against the result's 4 MB, at 2–8× the time).
     */
    private static void vectorLoop(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo,
                                   int bound) {
        float[] xa = source(a, ao, as, 0);
        float[] xb = source(b, bo, bs, L);
        int oa = sourceOffset(ao, as, 0);
        int ob = sourceOffset(bo, bs, L);
        switch (op) {
            case ADD -> add(xa, oa, as, xb, ob, bs, y, yo, bound);
            case SUB -> sub(xa, oa, as, xb, ob, bs, y, yo, bound);
            case MUL -> mul(xa, oa, as, xb, ob, bs, y, yo, bound);
            case DIV -> div(xa, oa, as, xb, ob, bs, y, yo, bound);
            case MAXIMUM -> max(xa, oa, as, xb, ob, bs, y, yo, bound);
            case MINIMUM -> min(xa, oa, as, xb, ob, bs, y, yo, bound);
            case RELU_GRAD -> reluGrad(xa, oa, as, xb, ob, bs, y, yo, bound);
            case POW -> pow(xa, oa, as, xb, ob, bs, y, yo, bound);
            case GT -> SimdCompare.gt(xa, oa, as, xb, ob, bs, y, yo, bound);
            case GE -> SimdCompare.ge(xa, oa, as, xb, ob, bs, y, yo, bound);
            case LT -> SimdCompare.lt(xa, oa, as, xb, ob, bs, y, yo, bound);
            case LE -> SimdCompare.le(xa, oa, as, xb, ob, bs, y, yo, bound);
            case EQ -> SimdCompare.eq(xa, oa, as, xb, ob, bs, y, yo, bound);
            case GELU_GRAD, GELU_TANH_GRAD -> throw new IllegalArgumentException(op + " has its own loops (geluGrad)");
        }
    }

    private static void add(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            v(a, ao, as, i).add(v(b, bo, bs, i)).intoArray(y, yo + i);
        }
    }

    private static void sub(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            v(a, ao, as, i).sub(v(b, bo, bs, i)).intoArray(y, yo + i);
        }
    }

    private static void mul(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            v(a, ao, as, i).mul(v(b, bo, bs, i)).intoArray(y, yo + i);
        }
    }

    private static void div(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            v(a, ao, as, i).div(v(b, bo, bs, i)).intoArray(y, yo + i);
        }
    }

    private static void max(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            v(a, ao, as, i).max(v(b, bo, bs, i)).intoArray(y, yo + i);
        }
    }

    private static void min(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            v(a, ao, as, i).min(v(b, bo, bs, i)).intoArray(y, yo + i);
        }
    }

    /** {@code b ≤ 0 ? 0 : a} per lane (a where b is NaN). */
    private static void reluGrad(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            v(a, ao, as, i).blend(0f, v(b, bo, bs, i).compare(VectorOperators.LE, 0f)).intoArray(y, yo + i);
        }
    }

    private static void pow(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            SimdPow.pow(a, ao + i * as, b, bo + i * bs, y, yo + i);
        }
    }

    @Override
    public void where(float[] c, int cOff, int cStride, float[] a, int aOff, int aStride,
                      float[] b, int bOff, int bStride, float[] y, int yOff, int n) {
        int bound = 0;
        if (n >= L && cStride == 1 && (aStride == 1 || aStride == 0) && (bStride == 1 || bStride == 0)) {
            bound = S.loopBound(n);
            whereVector(c, cOff, a, aOff, aStride, b, bOff, bStride, y, yOff, bound);
        }
        SCALAR.where(c, cOff + bound * cStride, cStride, a, aOff + bound * aStride, aStride,
                b, bOff + bound * bStride, bStride, y, yOff + bound, n - bound);
    }

    private static void whereVector(float[] c, int co, float[] a, int ao, int as, float[] b, int bo, int bs,
                                    float[] y, int yo, int bound) {
        float[] xa = source(a, ao, as, 0);
        float[] xb = source(b, bo, bs, L);
        int oa = sourceOffset(ao, as, 0);
        int ob = sourceOffset(bo, bs, L);
        for (int i = 0; i < bound; i += L) {
            VectorMask<Float> pickA = v(c, co + i).compare(VectorOperators.NE, 0f);
            v(xb, ob, bs, i).blend(v(xa, oa, as, i), pickA).intoArray(y, yo + i);
        }
    }

    private static FloatVector v(float[] x, int i) {
        return FloatVector.fromArray(S, x, i);
    }

    /**
     * The array a loop reads an operand from: x itself (stride 1), or for a broadcast operand
     * (stride 0) this thread's {@link #COPIES} holding {@link #L} copies of {@code x[off]} from
     * {@code at} (0 for a, L for b), read at that offset every step. The copies are written by one
     * vector store, which the loop's vector loads take straight from the store buffer; after
     * {@code Arrays.fill}'s scalar stores each such load waited for them to reach the cache. That
     * wait was per call, and a G2GNet step's feature-major bias adds are 1,024 calls of 64 floats
     * a layer: the step took 1–1.5 % less ({@code scripts/step-ab.sh}: 0.990, 0.986).
     */
    private static float[] source(float[] x, int off, int stride, int at) {
        if (stride == 1) {
            return x;
        }
        float[] copies = COPIES.get();
        FloatVector.broadcast(S, x[off]).intoArray(copies, at);
        return copies;
    }

    /** Where in its {@link #source} an operand starts: {@code off} (stride 1), or {@code at} in the copies. */
    private static int sourceOffset(int off, int stride, int at) {
        return stride == 1 ? off : at;
    }

    /** Lanes {@code i…i+L−1} of an operand from its {@link #source}: stride 1, or 0 for a run of copies. */
    static FloatVector v(float[] x, int off, int stride, int i) {
        return FloatVector.fromArray(S, x, off + i * stride);
    }
}
