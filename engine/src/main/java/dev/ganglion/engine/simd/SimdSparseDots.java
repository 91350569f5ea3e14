package dev.ganglion.engine.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products over panel rows of length {@code ld} (a multiple of 16, so of every lane count) for
 * the SDDMM kernels: register tiles of rows of A against rows of S, reduced once at the end. Row
 * positions are float indexes into the panels; each row is taken as one slice, so its loads share
 * one bounds check.
 */
final class SimdSparseDots {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Bytes of one vector. */
    private static final long V = (long) L * Float.BYTES;

    private SimdSparseDots() {}

    /** Panel row {@code [at, at + ld)} of m. */
    private static MemorySegment row(MemorySegment m, long at, int ld) {
        return m.asSlice(at * Float.BYTES, (long) ld * Float.BYTES);
    }

    private static FloatVector load(MemorySegment row, long byteOffset) {
        return FloatVector.fromMemorySegment(S, row, byteOffset, NATIVE);
    }

    /** {@code Σ_b A[a0+b]·S[s0+b]}; two accumulators so consecutive FMAs do not wait on each other. */
    static float dot(MemorySegment a, long a0, MemorySegment s, long s0, int ld) {
        MemorySegment ra = row(a, a0, ld);
        MemorySegment rs = row(s, s0, ld);
        long end = (long) ld * Float.BYTES;
        FloatVector x = FloatVector.zero(S), y = x;
        long b = 0;
        for (; b + 2 * V <= end; b += 2 * V) {
            x = load(ra, b).fma(load(rs, b), x);
            y = load(ra, b + V).fma(load(rs, b + V), y);
        }
        if (b < end) {
            x = load(ra, b).fma(load(rs, b), x);
        }
        return Simd.sum(x.add(y));
    }

    /**
     * One A row against four S rows, written to {@code out[at + n·step]} ({@code +=} when
     * {@code accumulate}). Two batch vectors per step give 8 independent FMA chains.
     */
    static void dot1x4(MemorySegment a, long a0, MemorySegment s, long s0, long s1, long s2, long s3, int ld,
                       float[] out, int at, int step, boolean accumulate) {
        MemorySegment ra = row(a, a0, ld);
        MemorySegment r0 = row(s, s0, ld);
        MemorySegment r1 = row(s, s1, ld);
        MemorySegment r2 = row(s, s2, ld);
        MemorySegment r3 = row(s, s3, ld);
        long end = (long) ld * Float.BYTES;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        FloatVector e0 = c0, e1 = c0, e2 = c0, e3 = c0;
        long b = 0;
        for (; b + 2 * V <= end; b += 2 * V) {
            FloatVector x = load(ra, b);
            FloatVector y = load(ra, b + V);
            c0 = x.fma(load(r0, b), c0);
            c1 = x.fma(load(r1, b), c1);
            c2 = x.fma(load(r2, b), c2);
            c3 = x.fma(load(r3, b), c3);
            e0 = y.fma(load(r0, b + V), e0);
            e1 = y.fma(load(r1, b + V), e1);
            e2 = y.fma(load(r2, b + V), e2);
            e3 = y.fma(load(r3, b + V), e3);
        }
        if (b < end) {
            FloatVector x = load(ra, b);
            c0 = x.fma(load(r0, b), c0);
            c1 = x.fma(load(r1, b), c1);
            c2 = x.fma(load(r2, b), c2);
            c3 = x.fma(load(r3, b), c3);
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
    static void dot4x4(MemorySegment a, long a0, MemorySegment s, long s0, int ld, float[] out, int at, int rowStep,
                       boolean accumulate) {
        MemorySegment ra = a.asSlice(a0 * Float.BYTES, 4L * ld * Float.BYTES);
        MemorySegment rs = s.asSlice(s0 * Float.BYTES, 4L * ld * Float.BYTES);
        long row = (long) ld * Float.BYTES;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (long b = 0; b < row; b += V) {
            FloatVector x0 = load(ra, b);
            FloatVector x1 = load(ra, row + b);
            FloatVector x2 = load(ra, 2 * row + b);
            FloatVector x3 = load(ra, 3 * row + b);
            FloatVector y = load(rs, b);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = load(rs, row + b);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = load(rs, 2 * row + b);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = load(rs, 3 * row + b);
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
