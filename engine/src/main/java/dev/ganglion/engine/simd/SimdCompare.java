package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.SimdBinary.v;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The comparison half of {@link SimdBinary}: {@code y = [a ⋚ b]} as 0/1 floats, one small method
 * per comparison (a constant operator for C2, and a method C2 compiles on its own; see
 * {@code SimdBinary.vectorLoop}), each over the stride patterns that loop takes. Lane compares are
 * IEEE: false with NaN.
 */
final class SimdCompare {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = S.length();

    private SimdCompare() {}

    static void gt(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            bit(v(a, ao, as, i).compare(VectorOperators.GT, v(b, bo, bs, i))).intoArray(y, yo + i);
        }
    }

    static void ge(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            bit(v(a, ao, as, i).compare(VectorOperators.GE, v(b, bo, bs, i))).intoArray(y, yo + i);
        }
    }

    static void lt(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            bit(v(a, ao, as, i).compare(VectorOperators.LT, v(b, bo, bs, i))).intoArray(y, yo + i);
        }
    }

    static void le(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            bit(v(a, ao, as, i).compare(VectorOperators.LE, v(b, bo, bs, i))).intoArray(y, yo + i);
        }
    }

    static void eq(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int bound) {
        for (int i = 0; i < bound; i += L) {
            bit(v(a, ao, as, i).compare(VectorOperators.EQ, v(b, bo, bs, i))).intoArray(y, yo + i);
        }
    }

    /** 1 where the mask is set, 0 elsewhere. */
    private static FloatVector bit(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(1f, m);
    }
}
