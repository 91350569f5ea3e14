package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products over panel rows of length {@code ld} (a multiple of 16, so of every lane count) for
 * the SDDMM kernels: register tiles of rows of A against rows of S, reduced once at the end.
 */
final class SimdSparseDots {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;

    private SimdSparseDots() {}

    /** {@code Σ_b A[a0+b]·S[s0+b]}; two accumulators so consecutive FMAs do not wait on each other. */
    static float dot(float[] a, int a0, float[] s, int s0, int ld) {
        FloatVector x = FloatVector.zero(S), y = x;
        int b = 0;
        for (; b + 2 * L <= ld; b += 2 * L) {
            x = FloatVector.fromArray(S, a, a0 + b).fma(FloatVector.fromArray(S, s, s0 + b), x);
            y = FloatVector.fromArray(S, a, a0 + b + L).fma(FloatVector.fromArray(S, s, s0 + b + L), y);
        }
        if (b < ld) {
            x = FloatVector.fromArray(S, a, a0 + b).fma(FloatVector.fromArray(S, s, s0 + b), x);
        }
        return Simd.sum(x.add(y));
    }

    /**
     * One A row against four S rows, written to {@code out[at + n·step]} ({@code +=} when
     * {@code accumulate}). Two batch vectors per step give 8 independent FMA chains.
     */
    static void dot1x4(float[] a, int a0, float[] s, int s0, int s1, int s2, int s3, int ld,
                       float[] out, int at, int step, boolean accumulate) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        FloatVector e0 = c0, e1 = c0, e2 = c0, e3 = c0;
        int b = 0;
        for (; b + 2 * L <= ld; b += 2 * L) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + b);
            FloatVector y = FloatVector.fromArray(S, a, a0 + b + L);
            c0 = x.fma(FloatVector.fromArray(S, s, s0 + b), c0);
            c1 = x.fma(FloatVector.fromArray(S, s, s1 + b), c1);
            c2 = x.fma(FloatVector.fromArray(S, s, s2 + b), c2);
            c3 = x.fma(FloatVector.fromArray(S, s, s3 + b), c3);
            e0 = y.fma(FloatVector.fromArray(S, s, s0 + b + L), e0);
            e1 = y.fma(FloatVector.fromArray(S, s, s1 + b + L), e1);
            e2 = y.fma(FloatVector.fromArray(S, s, s2 + b + L), e2);
            e3 = y.fma(FloatVector.fromArray(S, s, s3 + b + L), e3);
        }
        if (b < ld) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + b);
            c0 = x.fma(FloatVector.fromArray(S, s, s0 + b), c0);
            c1 = x.fma(FloatVector.fromArray(S, s, s1 + b), c1);
            c2 = x.fma(FloatVector.fromArray(S, s, s2 + b), c2);
            c3 = x.fma(FloatVector.fromArray(S, s, s3 + b), c3);
        }
        put(out, at, c0.add(e0), accumulate);
        put(out, at + step, c1.add(e1), accumulate);
        put(out, at + 2 * step, c2.add(e2), accumulate);
        put(out, at + 3 * step, c3.add(e3), accumulate);
    }

    /**
     * Four consecutive A rows (stride ld) against four consecutive S rows: 16 accumulators, 8 loads
     * per 16 FMAs; result (m, n) to {@code out[at + m·rowStep + n]}.
     */
    static void dot4x4(float[] a, int a0, float[] s, int s0, int ld, float[] out, int at, int rowStep,
                       boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int b = 0; b < ld; b += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + b);
            FloatVector x1 = FloatVector.fromArray(S, a, a0 + ld + b);
            FloatVector x2 = FloatVector.fromArray(S, a, a0 + 2 * ld + b);
            FloatVector x3 = FloatVector.fromArray(S, a, a0 + 3 * ld + b);
            FloatVector y = FloatVector.fromArray(S, s, s0 + b);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(S, s, s0 + ld + b);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(S, s, s0 + 2 * ld + b);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(S, s, s0 + 3 * ld + b);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        putRow(out, at, c00, c01, c02, c03, accumulate);
        putRow(out, at + rowStep, c10, c11, c12, c13, accumulate);
        putRow(out, at + 2 * rowStep, c20, c21, c22, c23, accumulate);
        putRow(out, at + 3 * rowStep, c30, c31, c32, c33, accumulate);
    }

    private static void putRow(float[] out, int at, FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3,
                               boolean accumulate) {
        put(out, at, c0, accumulate);
        put(out, at + 1, c1, accumulate);
        put(out, at + 2, c2, accumulate);
        put(out, at + 3, c3, accumulate);
    }

    private static void put(float[] out, int at, FloatVector c, boolean accumulate) {
        float sum = Simd.sum(c);
        out[at] = accumulate ? out[at] + sum : sum;
    }
}
