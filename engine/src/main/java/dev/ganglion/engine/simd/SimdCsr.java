package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.CsrKernel;
import dev.ganglion.engine.kernel.RowEpilogue;
import dev.ganglion.engine.kernel.ScalarCsr;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD {@link CsrKernel}: vectorised over the batch axis of the panels (contiguous, padded to a
 * multiple of 16, so no tails). Same results as {@code ScalarCsr} up to summation order.
 *
 * <p>Each entry's source run is taken as one {@code asSlice} of the panel, so the eight loads from
 * it share a single bounds check (88 against 71 GFLOP/s with a check per load, measured).
 *
 * <p>NOTE: {@code row4}, {@code row2}, {@code fused4} and {@code fused2} are {@code row8}'s and
 * {@code fused8}'s bodies for 4 and 2 vectors, written out on purpose: a shared helper would take
 * (and box) the accumulators, and a vector count passed as a parameter cost C2 its unrolling and
 * folded bounds checks (measured on the SDDMM's {@code rowDots8}: 0.66 → 0.79 ms).
 */
public final class SimdCsr implements CsrKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ByteOrder LE = Simd.STORE_ORDER;
    /** Bytes of one vector. */
    private static final long V = (long) L * Float.BYTES;
    /** The reference, for {@link #gather}'s last elements. */
    private static final ScalarCsr SCALAR = new ScalarCsr();

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdCsr() {}

    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, float[] v, int vOff,
                     MemorySegment s, MemorySegment d, int ld) {
        for (int q = from; q < to; q++) {
            int b = 0;
            // 8 vectors of the batch per pass: 8 independent FMA chains hide the 4-cycle FMA latency
            // on two FMA ports; each entry costs one broadcast and 8 loads of its source row.
            for (; b + 8 * L <= ld; b += 8 * L) {
                row8(q, b, ptr, idx, v, vOff, s, d, ld);
            }
            // Narrower batches in as few passes over the row's entries as possible: at batch 64 four
            // single-vector passes ran at 31 against 76 GFLOP/s for batch 128 (slower in absolute
            // time), each entry's index, value and bounds check paid once per vector.
            if (b + 4 * L <= ld) {
                row4(q, b, ptr, idx, v, vOff, s, d, ld);
                b += 4 * L;
            }
            if (b + 2 * L <= ld) {
                row2(q, b, ptr, idx, v, vOff, s, d, ld);
                b += 2 * L;
            }
            for (; b < ld; b += L) {
                row1(q, b, ptr, idx, v, vOff, s, d, ld);
            }
        }
    }

    private static void row8(int q, int b, int[] ptr, int[] idx, float[] v, int vOff,
                             MemorySegment s, MemorySegment d, int ld) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            FloatVector w = FloatVector.broadcast(S, v[vOff + p]);
            MemorySegment src = s.asSlice(((long) idx[p] * ld + b) * Float.BYTES, 8 * V);
            a0 = FloatVector.fromMemorySegment(S, src, 0, NATIVE).fma(w, a0);
            a1 = FloatVector.fromMemorySegment(S, src, V, NATIVE).fma(w, a1);
            a2 = FloatVector.fromMemorySegment(S, src, 2 * V, NATIVE).fma(w, a2);
            a3 = FloatVector.fromMemorySegment(S, src, 3 * V, NATIVE).fma(w, a3);
            a4 = FloatVector.fromMemorySegment(S, src, 4 * V, NATIVE).fma(w, a4);
            a5 = FloatVector.fromMemorySegment(S, src, 5 * V, NATIVE).fma(w, a5);
            a6 = FloatVector.fromMemorySegment(S, src, 6 * V, NATIVE).fma(w, a6);
            a7 = FloatVector.fromMemorySegment(S, src, 7 * V, NATIVE).fma(w, a7);
        }
        MemorySegment dst = d.asSlice(((long) q * ld + b) * Float.BYTES, 8 * V);
        a0.reinterpretAsBytes().intoMemorySegment(dst, 0, LE);
        a1.reinterpretAsBytes().intoMemorySegment(dst, V, LE);
        a2.reinterpretAsBytes().intoMemorySegment(dst, 2 * V, LE);
        a3.reinterpretAsBytes().intoMemorySegment(dst, 3 * V, LE);
        a4.reinterpretAsBytes().intoMemorySegment(dst, 4 * V, LE);
        a5.reinterpretAsBytes().intoMemorySegment(dst, 5 * V, LE);
        a6.reinterpretAsBytes().intoMemorySegment(dst, 6 * V, LE);
        a7.reinterpretAsBytes().intoMemorySegment(dst, 7 * V, LE);
    }

    /** {@link #row8} for batch vectors {@code [b, b + 4L)}. */
    private static void row4(int q, int b, int[] ptr, int[] idx, float[] v, int vOff,
                             MemorySegment s, MemorySegment d, int ld) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            FloatVector w = FloatVector.broadcast(S, v[vOff + p]);
            MemorySegment src = s.asSlice(((long) idx[p] * ld + b) * Float.BYTES, 4 * V);
            a0 = FloatVector.fromMemorySegment(S, src, 0, NATIVE).fma(w, a0);
            a1 = FloatVector.fromMemorySegment(S, src, V, NATIVE).fma(w, a1);
            a2 = FloatVector.fromMemorySegment(S, src, 2 * V, NATIVE).fma(w, a2);
            a3 = FloatVector.fromMemorySegment(S, src, 3 * V, NATIVE).fma(w, a3);
        }
        MemorySegment dst = d.asSlice(((long) q * ld + b) * Float.BYTES, 4 * V);
        a0.reinterpretAsBytes().intoMemorySegment(dst, 0, LE);
        a1.reinterpretAsBytes().intoMemorySegment(dst, V, LE);
        a2.reinterpretAsBytes().intoMemorySegment(dst, 2 * V, LE);
        a3.reinterpretAsBytes().intoMemorySegment(dst, 3 * V, LE);
    }

    /** {@link #row8} for batch vectors {@code [b, b + 2L)}. */
    private static void row2(int q, int b, int[] ptr, int[] idx, float[] v, int vOff,
                             MemorySegment s, MemorySegment d, int ld) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            FloatVector w = FloatVector.broadcast(S, v[vOff + p]);
            MemorySegment src = s.asSlice(((long) idx[p] * ld + b) * Float.BYTES, 2 * V);
            a0 = FloatVector.fromMemorySegment(S, src, 0, NATIVE).fma(w, a0);
            a1 = FloatVector.fromMemorySegment(S, src, V, NATIVE).fma(w, a1);
        }
        MemorySegment dst = d.asSlice(((long) q * ld + b) * Float.BYTES, 2 * V);
        a0.reinterpretAsBytes().intoMemorySegment(dst, 0, LE);
        a1.reinterpretAsBytes().intoMemorySegment(dst, V, LE);
    }

    private static void row1(int q, int b, int[] ptr, int[] idx, float[] v, int vOff,
                             MemorySegment s, MemorySegment d, int ld) {
        FloatVector a0 = FloatVector.zero(S);
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            float w = v[vOff + p];
            a0 = FloatVector.fromMemorySegment(S, s, ((long) idx[p] * ld + b) * Float.BYTES, NATIVE)
                    .fma(FloatVector.broadcast(S, w), a0);
        }
        a0.reinterpretAsBytes().intoMemorySegment(d, ((long) q * ld + b) * Float.BYTES, LE);
    }

    /**
     * Per {@link GatherParts part} of S's rows, each row's entries there: every dot product is summed
     * on its own, so the cut changes no bits.
     */
    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, MemorySegment a, MemorySegment s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        int most = mostEntries(from, to, ptr);
        float[] row = new float[ld];
        float[] sums = new float[Math.max(most, 16 * L)];
        try (SumScratch scratch = SumScratch.acquire()) {
            MemorySegment prods = scratch.floats((long) most * L);
            GatherParts parts = new GatherParts(from, to, ptr, idx, ld, s.byteSize());
            for (int h = 0; h < parts.count; h++) {
                for (int q = from; q < to; q++) {
                    int p0 = parts.start(q);
                    int p1 = parts.take(h, q);
                    if (p1 > p0) {
                        SimdSparseDots.rowDots(a, (long) q * ld, s, idx, p0, p1, ld, row, prods, sums, out,
                                oOff + p0, accumulate);
                    }
                }
            }
        }
    }

    /**
     * Per column and batch chunk, the column's entries once: each entry's 8 dY vectors (one L2 row)
     * feed 8 FMAs into the dX accumulators and 8 into its dot product with the column's X row (held in
     * registers). Each entry's dot product runs as two chains, the even and the odd vectors of the
     * row, carried from chunk to chunk in {@code prods} and added at the last one; the sums, 16
     * entries at a time ({@link SimdSparseDots#laneSums}), are then bit-identical to the separate
     * SDDMM's ({@link #sddmm}), which sums in that order.
     *
     * <p>The product vectors, one store per entry, wait for their sums in aligned native scratch
     * ({@link SumScratch}); in a heap array most of those stores straddled two cache lines (the sweep
     * 0.85–0.90 of the time, {@code scripts/kernel-ab.sh}).
     *
     * <p>The sweep runs once per {@link GatherParts part} of the dY rows it reads, each column taking the
     * entries whose rows fall in the part and going on from the dX it stored at the part before: the
     * same FMAs in the same order, so the same bits.
     */
    @Override
    public void spmmSddmm(int from, int to, int[] ptr, int[] idx, float[] v, int vOff,
                          MemorySegment a, MemorySegment s, MemorySegment d, int ld, float[] dots, int dOff) {
        if (ld == 0) { // an empty batch: every dot product is a sum over no samples (the scratch is not zeroed)
            Arrays.fill(dots, dOff + ptr[from], dOff + ptr[to], 0f);
            return;
        }
        try (SumScratch scratch = SumScratch.acquire()) {
            MemorySegment prods = scratch.floats((long) mostEntries(from, to, ptr) * 2 * L);
            sweep(from, to, ptr, idx, v, vOff, a, s, d, ld, dots, dOff, prods);
        }
    }

    /** {@link #spmmSddmm} with the entries' product vectors in {@code prods} (native, aligned). */
    private static void sweep(int from, int to, int[] ptr, int[] idx, float[] v, int vOff, MemorySegment a,
                              MemorySegment s, MemorySegment d, int ld, float[] dots, int dOff, MemorySegment prods) {
        GatherParts parts = new GatherParts(from, to, ptr, idx, ld, a.byteSize());
        for (int h = 0; h < parts.count; h++) {
            boolean more = h > 0;
            for (int q = from; q < to; q++) {
                int p0 = parts.start(q);
                int p1 = parts.take(h, q);
                if (more && p1 == p0) {
                    continue; // nothing to add to the dX that the pass before stored
                }
                int b = 0;
                for (; b + 8 * L <= ld; b += 8 * L) {
                    fused8(q, b, b + 8 * L == ld, p0, p1, more, idx, v, vOff, a, s, d, ld, prods);
                }
                // as in spmm; each chunk starts at an even vector, so its even vectors join the even chain
                if (b + 4 * L <= ld) {
                    fused4(q, b, b + 4 * L == ld, p0, p1, more, idx, v, vOff, a, s, d, ld, prods);
                    b += 4 * L;
                }
                if (b + 2 * L <= ld) {
                    fused2(q, b, b + 2 * L == ld, p0, p1, more, idx, v, vOff, a, s, d, ld, prods);
                    b += 2 * L;
                }
                for (; b < ld; b += L) {
                    fused1(q, b, b + L == ld, p0, p1, more, idx, v, vOff, a, s, d, ld, prods);
                }
                SimdSparseDots.laneSums(prods, 0, 2 * L, p1 - p0, dots, dOff + p0);
            }
        }
    }

    /**
     * {@link #spmmSddmm} for batch vectors {@code [b, b + 8L)} of column q, its entries
     * {@code [p0, p1)}; with {@code more}, dX goes on from what D holds. Entry {@code p0 + n}'s two
     * chains are {@code prods[2nL …]} (even vectors) and {@code prods[2nL + L …]} (odd); at the last
     * chunk their sum goes to the first.
     */
    private static void fused8(int q, int b, boolean last, int p0, int p1, boolean more, int[] idx, float[] v, int vOff,
                               MemorySegment a, MemorySegment s, MemorySegment d, int ld, MemorySegment prods) {
        MemorySegment xs = s.asSlice(((long) q * ld + b) * Float.BYTES, 8 * V);
        FloatVector x0 = FloatVector.fromMemorySegment(S, xs, 0, NATIVE);
        FloatVector x1 = FloatVector.fromMemorySegment(S, xs, V, NATIVE);
        FloatVector x2 = FloatVector.fromMemorySegment(S, xs, 2 * V, NATIVE);
        FloatVector x3 = FloatVector.fromMemorySegment(S, xs, 3 * V, NATIVE);
        FloatVector x4 = FloatVector.fromMemorySegment(S, xs, 4 * V, NATIVE);
        FloatVector x5 = FloatVector.fromMemorySegment(S, xs, 5 * V, NATIVE);
        FloatVector x6 = FloatVector.fromMemorySegment(S, xs, 6 * V, NATIVE);
        FloatVector x7 = FloatVector.fromMemorySegment(S, xs, 7 * V, NATIVE);
        MemorySegment dx = d.asSlice(((long) q * ld + b) * Float.BYTES, 8 * V);
        FloatVector zero = FloatVector.zero(S);
        FloatVector a0 = more ? FloatVector.fromMemorySegment(S, dx, 0, NATIVE) : zero;
        FloatVector a1 = more ? FloatVector.fromMemorySegment(S, dx, V, NATIVE) : zero;
        FloatVector a2 = more ? FloatVector.fromMemorySegment(S, dx, 2 * V, NATIVE) : zero;
        FloatVector a3 = more ? FloatVector.fromMemorySegment(S, dx, 3 * V, NATIVE) : zero;
        FloatVector a4 = more ? FloatVector.fromMemorySegment(S, dx, 4 * V, NATIVE) : zero;
        FloatVector a5 = more ? FloatVector.fromMemorySegment(S, dx, 5 * V, NATIVE) : zero;
        FloatVector a6 = more ? FloatVector.fromMemorySegment(S, dx, 6 * V, NATIVE) : zero;
        FloatVector a7 = more ? FloatVector.fromMemorySegment(S, dx, 7 * V, NATIVE) : zero;
        boolean first = b == 0;
        long at = 0; // entry p's chains at byte offsets at and at + V of prods
        for (int p = p0; p < p1; p++, at += 2 * V) {
            FloatVector w = FloatVector.broadcast(S, v[vOff + p]);
            MemorySegment src = a.asSlice(((long) idx[p] * ld + b) * Float.BYTES, 8 * V);
            FloatVector c = first ? zero : FloatVector.fromMemorySegment(S, prods, at, NATIVE);
            FloatVector e = first ? zero : FloatVector.fromMemorySegment(S, prods, at + V, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(S, src, 0, NATIVE);
            a0 = y.fma(w, a0);
            c = y.fma(x0, c);
            y = FloatVector.fromMemorySegment(S, src, V, NATIVE);
            a1 = y.fma(w, a1);
            e = y.fma(x1, e);
            y = FloatVector.fromMemorySegment(S, src, 2 * V, NATIVE);
            a2 = y.fma(w, a2);
            c = y.fma(x2, c);
            y = FloatVector.fromMemorySegment(S, src, 3 * V, NATIVE);
            a3 = y.fma(w, a3);
            e = y.fma(x3, e);
            y = FloatVector.fromMemorySegment(S, src, 4 * V, NATIVE);
            a4 = y.fma(w, a4);
            c = y.fma(x4, c);
            y = FloatVector.fromMemorySegment(S, src, 5 * V, NATIVE);
            a5 = y.fma(w, a5);
            e = y.fma(x5, e);
            y = FloatVector.fromMemorySegment(S, src, 6 * V, NATIVE);
            a6 = y.fma(w, a6);
            c = y.fma(x6, c);
            y = FloatVector.fromMemorySegment(S, src, 7 * V, NATIVE);
            a7 = y.fma(w, a7);
            e = y.fma(x7, e);
            if (last) {
                c.add(e).reinterpretAsBytes().intoMemorySegment(prods, at, LE);
            } else {
                c.reinterpretAsBytes().intoMemorySegment(prods, at, LE);
                e.reinterpretAsBytes().intoMemorySegment(prods, at + V, LE);
            }
        }
        a0.reinterpretAsBytes().intoMemorySegment(dx, 0, LE);
        a1.reinterpretAsBytes().intoMemorySegment(dx, V, LE);
        a2.reinterpretAsBytes().intoMemorySegment(dx, 2 * V, LE);
        a3.reinterpretAsBytes().intoMemorySegment(dx, 3 * V, LE);
        a4.reinterpretAsBytes().intoMemorySegment(dx, 4 * V, LE);
        a5.reinterpretAsBytes().intoMemorySegment(dx, 5 * V, LE);
        a6.reinterpretAsBytes().intoMemorySegment(dx, 6 * V, LE);
        a7.reinterpretAsBytes().intoMemorySegment(dx, 7 * V, LE);
    }

    /** {@link #fused8} for batch vectors {@code [b, b + 4L)}, b an even vector. */
    private static void fused4(int q, int b, boolean last, int p0, int p1, boolean more, int[] idx, float[] v, int vOff,
                               MemorySegment a, MemorySegment s, MemorySegment d, int ld, MemorySegment prods) {
        MemorySegment xs = s.asSlice(((long) q * ld + b) * Float.BYTES, 4 * V);
        FloatVector x0 = FloatVector.fromMemorySegment(S, xs, 0, NATIVE);
        FloatVector x1 = FloatVector.fromMemorySegment(S, xs, V, NATIVE);
        FloatVector x2 = FloatVector.fromMemorySegment(S, xs, 2 * V, NATIVE);
        FloatVector x3 = FloatVector.fromMemorySegment(S, xs, 3 * V, NATIVE);
        MemorySegment dx = d.asSlice(((long) q * ld + b) * Float.BYTES, 4 * V);
        FloatVector zero = FloatVector.zero(S);
        FloatVector a0 = more ? FloatVector.fromMemorySegment(S, dx, 0, NATIVE) : zero;
        FloatVector a1 = more ? FloatVector.fromMemorySegment(S, dx, V, NATIVE) : zero;
        FloatVector a2 = more ? FloatVector.fromMemorySegment(S, dx, 2 * V, NATIVE) : zero;
        FloatVector a3 = more ? FloatVector.fromMemorySegment(S, dx, 3 * V, NATIVE) : zero;
        boolean first = b == 0;
        long at = 0; // entry p's chains at byte offsets at and at + V of prods
        for (int p = p0; p < p1; p++, at += 2 * V) {
            FloatVector w = FloatVector.broadcast(S, v[vOff + p]);
            MemorySegment src = a.asSlice(((long) idx[p] * ld + b) * Float.BYTES, 4 * V);
            FloatVector c = first ? zero : FloatVector.fromMemorySegment(S, prods, at, NATIVE);
            FloatVector e = first ? zero : FloatVector.fromMemorySegment(S, prods, at + V, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(S, src, 0, NATIVE);
            a0 = y.fma(w, a0);
            c = y.fma(x0, c);
            y = FloatVector.fromMemorySegment(S, src, V, NATIVE);
            a1 = y.fma(w, a1);
            e = y.fma(x1, e);
            y = FloatVector.fromMemorySegment(S, src, 2 * V, NATIVE);
            a2 = y.fma(w, a2);
            c = y.fma(x2, c);
            y = FloatVector.fromMemorySegment(S, src, 3 * V, NATIVE);
            a3 = y.fma(w, a3);
            e = y.fma(x3, e);
            if (last) {
                c.add(e).reinterpretAsBytes().intoMemorySegment(prods, at, LE);
            } else {
                c.reinterpretAsBytes().intoMemorySegment(prods, at, LE);
                e.reinterpretAsBytes().intoMemorySegment(prods, at + V, LE);
            }
        }
        a0.reinterpretAsBytes().intoMemorySegment(dx, 0, LE);
        a1.reinterpretAsBytes().intoMemorySegment(dx, V, LE);
        a2.reinterpretAsBytes().intoMemorySegment(dx, 2 * V, LE);
        a3.reinterpretAsBytes().intoMemorySegment(dx, 3 * V, LE);
    }

    /** {@link #fused8} for batch vectors {@code [b, b + 2L)}, b an even vector. */
    private static void fused2(int q, int b, boolean last, int p0, int p1, boolean more, int[] idx, float[] v, int vOff,
                               MemorySegment a, MemorySegment s, MemorySegment d, int ld, MemorySegment prods) {
        MemorySegment xs = s.asSlice(((long) q * ld + b) * Float.BYTES, 2 * V);
        FloatVector x0 = FloatVector.fromMemorySegment(S, xs, 0, NATIVE);
        FloatVector x1 = FloatVector.fromMemorySegment(S, xs, V, NATIVE);
        MemorySegment dx = d.asSlice(((long) q * ld + b) * Float.BYTES, 2 * V);
        FloatVector zero = FloatVector.zero(S);
        FloatVector a0 = more ? FloatVector.fromMemorySegment(S, dx, 0, NATIVE) : zero;
        FloatVector a1 = more ? FloatVector.fromMemorySegment(S, dx, V, NATIVE) : zero;
        boolean first = b == 0;
        long at = 0; // entry p's chains at byte offsets at and at + V of prods
        for (int p = p0; p < p1; p++, at += 2 * V) {
            FloatVector w = FloatVector.broadcast(S, v[vOff + p]);
            MemorySegment src = a.asSlice(((long) idx[p] * ld + b) * Float.BYTES, 2 * V);
            FloatVector c = first ? zero : FloatVector.fromMemorySegment(S, prods, at, NATIVE);
            FloatVector e = first ? zero : FloatVector.fromMemorySegment(S, prods, at + V, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(S, src, 0, NATIVE);
            a0 = y.fma(w, a0);
            c = y.fma(x0, c);
            y = FloatVector.fromMemorySegment(S, src, V, NATIVE);
            a1 = y.fma(w, a1);
            e = y.fma(x1, e);
            if (last) {
                c.add(e).reinterpretAsBytes().intoMemorySegment(prods, at, LE);
            } else {
                c.reinterpretAsBytes().intoMemorySegment(prods, at, LE);
                e.reinterpretAsBytes().intoMemorySegment(prods, at + V, LE);
            }
        }
        a0.reinterpretAsBytes().intoMemorySegment(dx, 0, LE);
        a1.reinterpretAsBytes().intoMemorySegment(dx, V, LE);
    }

    /** {@link #fused8} for the single batch vector {@code [b, b + L)}: into the even or the odd chain. */
    private static void fused1(int q, int b, boolean last, int p0, int p1, boolean more, int[] idx, float[] v, int vOff,
                               MemorySegment a, MemorySegment s, MemorySegment d, int ld, MemorySegment prods) {
        FloatVector x = FloatVector.fromMemorySegment(S, s, ((long) q * ld + b) * Float.BYTES, NATIVE);
        long dst = ((long) q * ld + b) * Float.BYTES;
        FloatVector zero = FloatVector.zero(S);
        FloatVector a0 = more ? FloatVector.fromMemorySegment(S, d, dst, NATIVE) : zero;
        boolean first = b == 0;
        boolean even = (b / L) % 2 == 0;
        long at = 0; // entry p's chains at byte offsets at and at + V of prods
        for (int p = p0; p < p1; p++, at += 2 * V) {
            FloatVector y = FloatVector.fromMemorySegment(S, a, ((long) idx[p] * ld + b) * Float.BYTES, NATIVE);
            a0 = y.fma(FloatVector.broadcast(S, v[vOff + p]), a0);
            FloatVector c = first ? zero : FloatVector.fromMemorySegment(S, prods, at, NATIVE);
            FloatVector e = first ? zero : FloatVector.fromMemorySegment(S, prods, at + V, NATIVE);
            if (even) {
                c = y.fma(x, c);
            } else {
                e = y.fma(x, e);
            }
            if (last) {
                c.add(e).reinterpretAsBytes().intoMemorySegment(prods, at, LE);
            } else {
                c.reinterpretAsBytes().intoMemorySegment(prods, at, LE);
                e.reinterpretAsBytes().intoMemorySegment(prods, at + V, LE);
            }
        }
        a0.reinterpretAsBytes().intoMemorySegment(d, dst, LE);
    }

    /** One row at a time: the bias broadcast once per row, the last elements through the reference. */
    @Override
    public void addRows(MemorySegment d, int ld, int batch, int from, int to, float[] y, int yOff, boolean accumulate,
                        RowEpilogue e) {
        int bound = S.loopBound(batch);
        for (int q = from; q < to; q++) {
            int y0 = yOff + q * batch;
            MemorySegment row = d.asSlice((long) q * ld * Float.BYTES, (long) bound * Float.BYTES);
            FloatVector bias = e.bias() == null ? null : FloatVector.broadcast(S, e.bias()[e.biasOff() + q]);
            for (int b = 0; b < bound; b += L) {
                FloatVector s = FloatVector.fromMemorySegment(S, row, (long) b * Float.BYTES, NATIVE);
                if (accumulate) {
                    s = FloatVector.fromArray(S, y, y0 + b).add(s);
                }
                if (bias != null) {
                    s = s.add(bias);
                }
                if (e.relu()) {
                    s = s.max(0f);
                }
                s.intoArray(y, y0 + b);
            }
            ScalarCsr.addRow(d, ld, q, bound, batch, y, y0, accumulate, e);
        }
    }

    /**
     * A vector of values per step through the hardware gather ({@code fromArray} with an index map):
     * the scalar loop's random loads each waited on L2, which the gather instruction overlaps. In a
     * G2GNet step (batch 64, 1 thread; the gather was 4.1 % of its JFR samples) the step took 2 % less:
     * new/base 0.972–0.986 in three runs of {@code scripts/step-ab.sh}, where the scalar loop switched
     * back on in the same build gave 1.002 and 1.012. The last elements through the reference.
     */
    @Override
    public void gather(float[] src, int sOff, int[] perm, int from, int to, float[] dst, int dOff) {
        int p = from;
        for (; p + L <= to; p += L) {
            FloatVector.fromArray(S, src, sOff, perm, p).intoArray(dst, dOff + p);
        }
        SCALAR.gather(src, sOff, perm, p, to, dst, dOff);
    }

    /** The most entries any of rows {@code [from, to)} holds. */
    private static int mostEntries(int from, int to, int[] ptr) {
        int most = 0;
        for (int q = from; q < to; q++) {
            most = Math.max(most, ptr[q + 1] - ptr[q]);
        }
        return most;
    }
}
