package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The comparison half of {@link SimdBinary}: {@code y = [a ⋚ b]} as 0/1 floats, one loop per
 * comparison and stride pattern (constant operators for C2). Lane compares are IEEE: false with NaN.
 */
final class SimdCompare {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = S.length();

    private SimdCompare() {}

    static void vectorVector(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] y, int yo, int bound) {
        switch (op) {
            case GT -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.GT, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case GE -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.GE, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case LT -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.LT, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case LE -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.LE, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case EQ -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.EQ, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, POW, RELU_GRAD, GELU_GRAD, GELU_TANH_GRAD ->
                    throw new IllegalArgumentException(op + " is not a comparison");
        }
    }

    static void vectorScalar(BinaryOp op, float[] a, int ao, float s, float[] y, int yo, int bound) {
        FloatVector w = FloatVector.broadcast(S, s);
        switch (op) {
            case GT -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.GT, w)).intoArray(y, yo + i);
                }
            }
            case GE -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.GE, w)).intoArray(y, yo + i);
                }
            }
            case LT -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.LT, w)).intoArray(y, yo + i);
                }
            }
            case LE -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.LE, w)).intoArray(y, yo + i);
                }
            }
            case EQ -> {
                for (int i = 0; i < bound; i += L) {
                    bit(v(a, ao + i).compare(VectorOperators.EQ, w)).intoArray(y, yo + i);
                }
            }
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, POW, RELU_GRAD, GELU_GRAD, GELU_TANH_GRAD ->
                    throw new IllegalArgumentException(op + " is not a comparison");
        }
    }

    static void scalarVector(BinaryOp op, float s, float[] b, int bo, float[] y, int yo, int bound) {
        FloatVector w = FloatVector.broadcast(S, s);
        switch (op) {
            case GT -> {
                for (int i = 0; i < bound; i += L) {
                    bit(w.compare(VectorOperators.GT, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case GE -> {
                for (int i = 0; i < bound; i += L) {
                    bit(w.compare(VectorOperators.GE, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case LT -> {
                for (int i = 0; i < bound; i += L) {
                    bit(w.compare(VectorOperators.LT, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case LE -> {
                for (int i = 0; i < bound; i += L) {
                    bit(w.compare(VectorOperators.LE, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case EQ -> {
                for (int i = 0; i < bound; i += L) {
                    bit(w.compare(VectorOperators.EQ, v(b, bo + i))).intoArray(y, yo + i);
                }
            }
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, POW, RELU_GRAD, GELU_GRAD, GELU_TANH_GRAD ->
                    throw new IllegalArgumentException(op + " is not a comparison");
        }
    }

    private static FloatVector v(float[] x, int i) {
        return FloatVector.fromArray(S, x, i);
    }

    /** 1 where the mask is set, 0 elsewhere. */
    private static FloatVector bit(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(1f, m);
    }
}
