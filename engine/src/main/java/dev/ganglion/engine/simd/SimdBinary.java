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
 * the scalar is broadcast into a register once per run). One loop per op and pattern, since C2 only
 * intrinsifies constant operators. Other strides and the tail run through the scalar reference,
 * except {@code pow}'s, which run through {@link SimdPow}'s scalar twin. The two gelu gradients
 * have a vector loop for the vector–vector pattern and their float twins for every other element (see
 * {@code SimdUnary.geluTanhSlope} and {@link SimdErf#geluSlope(float)}).
 */
public final class SimdBinary implements BinaryKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = S.length();
    private static final ScalarBinary SCALAR = new ScalarBinary();

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
        if (bound > 0 && aStride == 1 && bStride == 1) {
            vectorVector(op, a, aOff, b, bOff, y, yOff, bound);
        } else if (bound > 0 && aStride == 1 && bStride == 0) {
            vectorScalar(op, a, aOff, b[bOff], y, yOff, bound);
        } else if (bound > 0 && aStride == 0 && bStride == 1) {
            scalarVector(op, a[aOff], b, bOff, y, yOff, bound);
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
        float[] half = new float[Math.min(bound, Simd.TWO_PASS_BLOCK)];
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

    private static void vectorVector(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] y, int yo, int bound) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).add(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case SUB -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).sub(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case MUL -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).mul(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case DIV -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).div(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case MAXIMUM -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).max(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case MINIMUM -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).min(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case POW -> {
                for (int i = 0; i < bound; i += L) {
                    SimdPow.pow(a, ao + i, 1, b, bo + i, 1, y, yo + i);
                }
            }
            case GT, GE, LT, LE, EQ -> SimdCompare.vectorVector(op, a, ao, b, bo, y, yo, bound);
            case RELU_GRAD -> {
                for (int i = 0; i < bound; i += L) {
                    reluGrad(v(a, ao + i), v(b, bo + i)).intoArray(y, yo + i);
                }
            }
        }
    }

    private static void vectorScalar(BinaryOp op, float[] a, int ao, float s, float[] y, int yo, int bound) {
        FloatVector w = FloatVector.broadcast(S, s);
        switch (op) {
            case ADD -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).add(w).intoArray(y, yo + i);
                }
            }
            case SUB -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).sub(w).intoArray(y, yo + i);
                }
            }
            case MUL -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).mul(w).intoArray(y, yo + i);
                }
            }
            case DIV -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).div(w).intoArray(y, yo + i);
                }
            }
            case MAXIMUM -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).max(w).intoArray(y, yo + i);
                }
            }
            case MINIMUM -> {
                for (int i = 0; i < bound; i += L) {
                    v(a, ao + i).min(w).intoArray(y, yo + i);
                }
            }
            case POW -> {
                float[] exponent = {s};
                for (int i = 0; i < bound; i += L) {
                    SimdPow.pow(a, ao + i, 1, exponent, 0, 0, y, yo + i);
                }
            }
            case GT, GE, LT, LE, EQ -> SimdCompare.vectorScalar(op, a, ao, s, y, yo, bound);
            case RELU_GRAD -> {
                for (int i = 0; i < bound; i += L) {
                    reluGrad(v(a, ao + i), w).intoArray(y, yo + i);
                }
            }
        }
    }

    private static void scalarVector(BinaryOp op, float s, float[] b, int bo, float[] y, int yo, int bound) {
        FloatVector w = FloatVector.broadcast(S, s);
        switch (op) {
            case ADD -> {
                for (int i = 0; i < bound; i += L) {
                    w.add(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case SUB -> {
                for (int i = 0; i < bound; i += L) {
                    w.sub(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case MUL -> {
                for (int i = 0; i < bound; i += L) {
                    w.mul(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case DIV -> {
                for (int i = 0; i < bound; i += L) {
                    w.div(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case MAXIMUM -> {
                for (int i = 0; i < bound; i += L) {
                    w.max(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case MINIMUM -> {
                for (int i = 0; i < bound; i += L) {
                    w.min(v(b, bo + i)).intoArray(y, yo + i);
                }
            }
            case POW -> {
                float[] base = {s};
                for (int i = 0; i < bound; i += L) {
                    SimdPow.pow(base, 0, 0, b, bo + i, 1, y, yo + i);
                }
            }
            case GT, GE, LT, LE, EQ -> SimdCompare.scalarVector(op, s, b, bo, y, yo, bound);
            case RELU_GRAD -> {
                for (int i = 0; i < bound; i += L) {
                    reluGrad(w, v(b, bo + i)).intoArray(y, yo + i);
                }
            }
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

    // A stride-0 operand is a broadcast register; the branch on the (loop-invariant) strides is
    // hoisted out of the loop by C2's loop unswitching, leaving straight-line bodies.
    private static void whereVector(float[] c, int co, float[] a, int ao, int as, float[] b, int bo, int bs,
                                    float[] y, int yo, int bound) {
        FloatVector wa = FloatVector.broadcast(S, a[ao]);
        FloatVector wb = FloatVector.broadcast(S, b[bo]);
        for (int i = 0; i < bound; i += L) {
            VectorMask<Float> pickA = v(c, co + i).compare(VectorOperators.NE, 0f);
            FloatVector va = as == 1 ? v(a, ao + i) : wa;
            FloatVector vb = bs == 1 ? v(b, bo + i) : wb;
            vb.blend(va, pickA).intoArray(y, yo + i);
        }
    }

    /** {@code b ≤ 0 ? 0 : a} per lane (a where b is NaN). */
    private static FloatVector reluGrad(FloatVector a, FloatVector b) {
        return a.blend(0f, b.compare(VectorOperators.LE, 0f));
    }

    private static FloatVector v(float[] x, int i) {
        return FloatVector.fromArray(S, x, i);
    }
}
