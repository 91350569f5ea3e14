package dev.ganglion.engine.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products over panel rows of length {@code ld} (a multiple of 16, so of every lane count) for
 * the SDDMM kernels: register tiles of rows of A against rows of S, reduced once at the end. Row
 * positions are float indexes into the panels; each row is taken as one slice, so its loads share
 * one bounds check. The BSR weight gradient's 4×4 tile is {@link SimdBlockDots}; its edges are
 * {@link #dot1x4} and {@link #dot} here.
 */
final class SimdSparseDots {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ByteOrder LE = Simd.STORE_ORDER;
    /** Bytes of one vector. */
    private static final long V = (long) L * Float.BYTES;

    private SimdSparseDots() {}

    /** Panel row {@code [at, at + ld)} of m. */
    private static MemorySegment row(MemorySegment m, long at, int ld) {
        return m.asSlice(at * Float.BYTES, (long) ld * Float.BYTES);
    }

    /** {@code out[at] = v}, or {@code +=} when accumulating: where every dot product lands. */
    static void put(float[] out, int at, float v, boolean accumulate) {
        out[at] = accumulate ? out[at] + v : v;
    }

    /**
     * {@code Σ_b A[a0+b]·S[s0+b]} to {@code out[at]} ({@code +=} when {@code accumulate}); two
     * accumulators so consecutive FMAs do not wait on each other. {@code sums}: at least L floats of
     * scratch.
     */
    static void dot(MemorySegment a, long a0, MemorySegment s, long s0, int ld, float[] out, int at,
                    boolean accumulate, float[] sums) {
        MemorySegment ra = row(a, a0, ld);
        MemorySegment rs = row(s, s0, ld);
        long end = (long) ld * Float.BYTES;
        FloatVector x = FloatVector.zero(S), y = x;
        long b = 0;
        for (; b + 2 * V <= end; b += 2 * V) {
            x = FloatVector.fromMemorySegment(S, ra, b, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, rs, b, NATIVE), x);
            y = FloatVector.fromMemorySegment(S, ra, b + V, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, rs, b + V, NATIVE), y);
        }
        if (b < end) {
            x = FloatVector.fromMemorySegment(S, ra, b, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, rs, b, NATIVE), x);
        }
        x.add(y).intoArray(sums, 0);   // summed from the array: see dot1x4's note on its sums
        put(out, at, Simd.sum(sums, 0), accumulate);
    }

    /**
     * Row {@code a0} of A against rows {@code idx[p]·ld} of S for every p in [from, to), to
     * {@code out[at + p − from]} ({@code +=} when {@code accumulate}); bit-identical to {@link #dot1x4}
     * on four entries at a time and {@link #dot} on the rest. Where a row is a multiple of 8 vectors,
     * or exactly 4 or 2 (batch 128, 256, …, 64 or 32 at 16 lanes), {@link #rowDots8} and its copies
     * do the groups of four without per-load bounds checks, reading the A row from {@code row}, the
     * caller's scratch of at least {@code ld} floats, and leaving each entry's product vector in
     * {@code prods} (the caller's {@link SumScratch} of at least {@code (to − from)·L} floats), whose
     * lane sums {@link #laneSums} then takes 8 or 16 at a time. {@code sums}: heap scratch of at least
     * {@code max(to − from, 16L)} floats, for the sums when accumulating and for {@link #rowDots4Summed},
     * {@link #dot1x4} and {@link #dot}. At batch 64 the bounds-checked {@link #dot1x4} had run at
     * 28 against 51 GFLOP/s for batch 128, as slow in absolute time. Rows of 4 vectors at 16 lanes
     * (batch 64 at 512 bits) first go sixteen entries at a time through {@link #rowDots4Summed}.
     */
    static void rowDots(MemorySegment a, long a0, MemorySegment s, int[] idx, int from, int to, int ld,
                        float[] row, MemorySegment prods, float[] sums, float[] out, int at, boolean accumulate) {
        int p = from;
        if (ld % (8 * L) == 0 || ld == 4 * L || ld == 2 * L) {
            // The A row as a heap copy, made here: the copy's nodes in rowDots8 pushed C2 past its
            // inlining cutoff (the four reductions and stores after its loop were left as calls,
            // 30 % slower).
            MemorySegment.copy(a, ValueLayout.JAVA_FLOAT, a0 * Float.BYTES, row, 0, ld);
            int start = L == 16 && ld == 4 * L ? rowDots4Summed(row, s, idx, from, to, sums, out, at, accumulate) : from;
            p = ld == 8 * L ? rowDots8(row, s, idx, start, to, prods)
                    : ld % (8 * L) == 0 ? rowDotsWide(row, s, idx, start, to, ld, prods)
                    : ld == 4 * L ? rowDots4(row, s, idx, start, to, prods)
                    : rowDots2(row, s, idx, start, to, prods);
            // NOTE: the sums after the FMA loops, not in them. Summing each group of four as dot1x4 does
            // cost as much as the products at batch 16-32 (4 FMAs an entry), and folding inside the
            // loop kept the fold's permute indexes in registers across it, which at 16 registers
            // spilled the accumulators (dot1x4's note). One store per entry, then 8 or 16 sums at once:
            // the first layer's weight gradient 2.1x faster at batch 32, level at 128 (AVX2). With 32
            // registers and rows of 4 vectors, rowDots4Summed does fold inside its loop (its note).
            int n = p - start;
            int o = at + start - from;
            if (accumulate) {
                // the sums after the products, then added; without accumulation they go straight to out
                // (one path through prods and put for both: weight gradient 0.45-0.73 against 0.33 ms at
                // batch 32, five alternating runs)
                laneSums(prods, 0, L, n, sums, 0);
                for (int k = 0; k < n; k++) {
                    out[o + k] += sums[k];
                }
            } else {
                laneSums(prods, 0, L, n, out, o);
            }
        }
        for (; p + 4 <= to; p += 4) {
            dot1x4(a, a0, s, (long) idx[p] * ld, (long) idx[p + 1] * ld, (long) idx[p + 2] * ld, (long) idx[p + 3] * ld,
                    ld, out, at + p - from, 1, accumulate, sums);
        }
        for (; p < to; p++) {
            dot(a, a0, s, (long) idx[p] * ld, ld, out, at + p - from, accumulate, sums);
        }
    }

    /**
     * {@link #rowDots} on rows of 8 vectors, four entries at a time, the A row in {@code ya}; returns
     * the first entry not done. The A row is read from a heap copy (L1 hits): segment loads cost C2 so
     * many nodes that more than ~15–20 in one method hit its inlining cutoff and left the rest as boxed
     * calls (10× slower). Each S row is one slice of constant length read by a loop of constant trip
     * count, so C2 unrolls it and folds every load's bounds check into the slice's (the checks had
     * taken 40 % of the time in {@link #dot1x4}, whose loop length is ld).
     */
    private static int rowDots8(float[] ya, MemorySegment s, int[] idx, int from, int to, MemorySegment prods) {
        int p = from;
        for (; p + 4 <= to; p += 4) {
            MemorySegment r0 = s.asSlice((long) idx[p] * 8 * V, 8 * V);
            MemorySegment r1 = s.asSlice((long) idx[p + 1] * 8 * V, 8 * V);
            MemorySegment r2 = s.asSlice((long) idx[p + 2] * 8 * V, 8 * V);
            MemorySegment r3 = s.asSlice((long) idx[p + 3] * 8 * V, 8 * V);
            // dot1x4's chains: even vectors into c, odd into e
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            FloatVector e0 = c0, e1 = c0, e2 = c0, e3 = c0;
            for (int k = 0; k < 8; k += 2) {
                long o = k * V;
                FloatVector x = FloatVector.fromArray(S, ya, k * L);
                FloatVector y = FloatVector.fromArray(S, ya, (k + 1) * L);
                c0 = x.fma(FloatVector.fromMemorySegment(S, r0, o, NATIVE), c0);
                c1 = x.fma(FloatVector.fromMemorySegment(S, r1, o, NATIVE), c1);
                c2 = x.fma(FloatVector.fromMemorySegment(S, r2, o, NATIVE), c2);
                c3 = x.fma(FloatVector.fromMemorySegment(S, r3, o, NATIVE), c3);
                e0 = y.fma(FloatVector.fromMemorySegment(S, r0, o + V, NATIVE), e0);
                e1 = y.fma(FloatVector.fromMemorySegment(S, r1, o + V, NATIVE), e1);
                e2 = y.fma(FloatVector.fromMemorySegment(S, r2, o + V, NATIVE), e2);
                e3 = y.fma(FloatVector.fromMemorySegment(S, r3, o + V, NATIVE), e3);
            }
            store4(c0.add(e0), c1.add(e1), c2.add(e2), c3.add(e3), prods, (p - from) * L);
        }
        return p;
    }

    /**
     * {@link #rowDots8} on rows of 16 or more vectors, a multiple of 8 (batch 256, 384, … at 16
     * lanes): each S row in 8-vector slices, the even and odd chains running on across them, so the
     * sums are {@link #dot1x4}'s. A copy, not the same method, because the outer loop cost
     * {@code rowDots8} 20 % at 8 vectors (measured); at batch 256 it is 1.08–1.16× faster than
     * {@link #dot1x4}.
     */
    private static int rowDotsWide(float[] ya, MemorySegment s, int[] idx, int from, int to, int ld,
                                   MemorySegment prods) {
        long rowBytes = (long) ld * Float.BYTES;
        int p = from;
        for (; p + 4 <= to; p += 4) {
            long o0 = idx[p] * rowBytes, o1 = idx[p + 1] * rowBytes, o2 = idx[p + 2] * rowBytes, o3 = idx[p + 3] * rowBytes;
            // dot1x4's chains: even vectors into c, odd into e
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            FloatVector e0 = c0, e1 = c0, e2 = c0, e3 = c0;
            for (int b = 0; b < ld; b += 8 * L) {
                long ob = (long) b * Float.BYTES;
                MemorySegment r0 = s.asSlice(o0 + ob, 8 * V);
                MemorySegment r1 = s.asSlice(o1 + ob, 8 * V);
                MemorySegment r2 = s.asSlice(o2 + ob, 8 * V);
                MemorySegment r3 = s.asSlice(o3 + ob, 8 * V);
                for (int k = 0; k < 8; k += 2) {
                    long o = k * V;
                    FloatVector x = FloatVector.fromArray(S, ya, b + k * L);
                    FloatVector y = FloatVector.fromArray(S, ya, b + (k + 1) * L);
                    c0 = x.fma(FloatVector.fromMemorySegment(S, r0, o, NATIVE), c0);
                    c1 = x.fma(FloatVector.fromMemorySegment(S, r1, o, NATIVE), c1);
                    c2 = x.fma(FloatVector.fromMemorySegment(S, r2, o, NATIVE), c2);
                    c3 = x.fma(FloatVector.fromMemorySegment(S, r3, o, NATIVE), c3);
                    e0 = y.fma(FloatVector.fromMemorySegment(S, r0, o + V, NATIVE), e0);
                    e1 = y.fma(FloatVector.fromMemorySegment(S, r1, o + V, NATIVE), e1);
                    e2 = y.fma(FloatVector.fromMemorySegment(S, r2, o + V, NATIVE), e2);
                    e3 = y.fma(FloatVector.fromMemorySegment(S, r3, o + V, NATIVE), e3);
                }
            }
            store4(c0.add(e0), c1.add(e1), c2.add(e2), c3.add(e3), prods, (p - from) * L);
        }
        return p;
    }

    /**
     * {@link #rowDots8} on rows of 4 vectors (batch 64 at 16 lanes); a copy, not a shared method with
     * the vector count as a parameter: that lost C2's unrolling and the folded bounds checks (batch
     * 128: 0.66 → 0.79 ms for a 13 %-dense 1024² weight gradient).
     */
    private static int rowDots4(float[] ya, MemorySegment s, int[] idx, int from, int to, MemorySegment prods) {
        int p = from;
        for (; p + 4 <= to; p += 4) {
            MemorySegment r0 = s.asSlice((long) idx[p] * 4 * V, 4 * V);
            MemorySegment r1 = s.asSlice((long) idx[p + 1] * 4 * V, 4 * V);
            MemorySegment r2 = s.asSlice((long) idx[p + 2] * 4 * V, 4 * V);
            MemorySegment r3 = s.asSlice((long) idx[p + 3] * 4 * V, 4 * V);
            // dot1x4's chains: even vectors into c, odd into e
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            FloatVector e0 = c0, e1 = c0, e2 = c0, e3 = c0;
            for (int k = 0; k < 4; k += 2) {
                long o = k * V;
                FloatVector x = FloatVector.fromArray(S, ya, k * L);
                FloatVector y = FloatVector.fromArray(S, ya, (k + 1) * L);
                c0 = x.fma(FloatVector.fromMemorySegment(S, r0, o, NATIVE), c0);
                c1 = x.fma(FloatVector.fromMemorySegment(S, r1, o, NATIVE), c1);
                c2 = x.fma(FloatVector.fromMemorySegment(S, r2, o, NATIVE), c2);
                c3 = x.fma(FloatVector.fromMemorySegment(S, r3, o, NATIVE), c3);
                e0 = y.fma(FloatVector.fromMemorySegment(S, r0, o + V, NATIVE), e0);
                e1 = y.fma(FloatVector.fromMemorySegment(S, r1, o + V, NATIVE), e1);
                e2 = y.fma(FloatVector.fromMemorySegment(S, r2, o + V, NATIVE), e2);
                e3 = y.fma(FloatVector.fromMemorySegment(S, r3, o + V, NATIVE), e3);
            }
            store4(c0.add(e0), c1.add(e1), c2.add(e2), c3.add(e3), prods, (p - from) * L);
        }
        return p;
    }

    /**
     * {@link #rowDots4} and {@link #laneSums} in one pass, sixteen entries at a time (16 lanes only):
     * each group's products go to {@code prods[0 … 16L)} and are summed at once, straight to
     * {@code out[at + p − from]} ({@code +=} when {@code accumulate}), with the fold's permute indexes
     * loaded once per row. The same FMAs and sums in the same order, so the same bits. A row of 16 or
     * more entries is done whole: its last group is the sixteen entries that end at {@code to}, those
     * already summed computed again and left unstored (each dot product is its own, so the stored
     * ones keep their bits); that took the first layer's weight gradient 0.92–0.95 of the time it took
     * with the last few through {@link #rowDots4}, {@link #laneSums} one by one and {@link #dot}
     * ({@code scripts/kernel-ab.sh}, 784 columns at 13.6 %, batch 64). Returns the first entry not
     * done: {@code to}, or {@code from} for a row of fewer than 16.
     *
     * <p>Why: the products wait on S rows from L2 and the sums on the permute port; in two passes per
     * row they ran one after the other, here the out-of-order core overlaps a group's sums with the
     * next group's loads. Measured (one thread, Xeon with AVX-512, a 1,024 × 784 weight at 13.4 %
     * density, batch 64, in one JVM): 2.6 against 2.9–3.0 ns per entry, the products alone 2.1; and
     * {@code ganglion bench csr --pass weight-grad --batch 64 --cols 784 --density 0.134 --threads 1}
     * 0.386–0.392 ms (three runs) against 0.41–0.44 (six runs of the old build), the builds alternating.
     * The same interleaving in the fused backward sweep ({@code SimdCsr.fused4}, whose dX
     * accumulators stay live across the column) was level, so it is not there.
     *
     * <p>NOTE: the last group's new lanes go to {@code out} one by one, not through a masked load
     * and store: with those the method was too large for C1 at tier 3 (its OSR compile refused, "out
     * of virtual registers"), and where C2 was busy when it got hot it stayed in tier-2 code for
     * good, every vector operation a boxed call: {@code ganglion bench csr --pass weight-grad
     * --batch 64 --threads 1} 41 against 0.5 ms a call, in every run ({@code TierThreeCompileTest}).
     * The scalar lanes cost the SDDMM 2–5 % ({@code scripts/kernel-ab.sh}, 1,024 and 784 columns).
     */
    private static int rowDots4Summed(float[] ya, MemorySegment s, int[] idx, int from, int to, float[] prods,
                                      float[] out, int at, boolean accumulate) {
        FloatVector x8 = FloatVector.fromArray(S, GemmTranspose.CROSS[0], 0);
        VectorMask<Float> m8 = Simd.HIGH_8;
        FloatVector x4 = FloatVector.fromArray(S, GemmTranspose.CROSS[1], 0);
        VectorMask<Float> m4 = Simd.HIGH_4;
        FloatVector x2 = FloatVector.fromArray(S, GemmTranspose.CROSS[2], 0);
        VectorMask<Float> m2 = Simd.HIGH_2;
        FloatVector x1 = FloatVector.fromArray(S, GemmTranspose.CROSS[3], 0);
        VectorMask<Float> m1 = Simd.HIGH_1;
        FloatVector y0 = FloatVector.fromArray(S, ya, 0);
        FloatVector y1 = FloatVector.fromArray(S, ya, L);
        FloatVector y2 = FloatVector.fromArray(S, ya, 2 * L);
        FloatVector y3 = FloatVector.fromArray(S, ya, 3 * L);
        FloatVector zero = FloatVector.zero(S);
        int p = from;
        for (; p < to && to - from >= 16; p += 16) {
            // the next sixteen, or for the last few the sixteen that end at to (those before p summed
            // again and not stored)
            int w = Math.min(p, to - 16);
            for (int g = 0; g < 16; g += 4) {
                MemorySegment r0 = s.asSlice((long) idx[w + g] * 4 * V, 4 * V);
                MemorySegment r1 = s.asSlice((long) idx[w + g + 1] * 4 * V, 4 * V);
                MemorySegment r2 = s.asSlice((long) idx[w + g + 2] * 4 * V, 4 * V);
                MemorySegment r3 = s.asSlice((long) idx[w + g + 3] * 4 * V, 4 * V);
                // rowDots4's chains: even vectors into c, odd into e, each from zero
                FloatVector c0 = y0.fma(FloatVector.fromMemorySegment(S, r0, 0, NATIVE), zero);
                FloatVector c1 = y0.fma(FloatVector.fromMemorySegment(S, r1, 0, NATIVE), zero);
                FloatVector c2 = y0.fma(FloatVector.fromMemorySegment(S, r2, 0, NATIVE), zero);
                FloatVector c3 = y0.fma(FloatVector.fromMemorySegment(S, r3, 0, NATIVE), zero);
                FloatVector e0 = y1.fma(FloatVector.fromMemorySegment(S, r0, V, NATIVE), zero);
                FloatVector e1 = y1.fma(FloatVector.fromMemorySegment(S, r1, V, NATIVE), zero);
                FloatVector e2 = y1.fma(FloatVector.fromMemorySegment(S, r2, V, NATIVE), zero);
                FloatVector e3 = y1.fma(FloatVector.fromMemorySegment(S, r3, V, NATIVE), zero);
                c0 = y2.fma(FloatVector.fromMemorySegment(S, r0, 2 * V, NATIVE), c0);
                c1 = y2.fma(FloatVector.fromMemorySegment(S, r1, 2 * V, NATIVE), c1);
                c2 = y2.fma(FloatVector.fromMemorySegment(S, r2, 2 * V, NATIVE), c2);
                c3 = y2.fma(FloatVector.fromMemorySegment(S, r3, 2 * V, NATIVE), c3);
                e0 = y3.fma(FloatVector.fromMemorySegment(S, r0, 3 * V, NATIVE), e0);
                e1 = y3.fma(FloatVector.fromMemorySegment(S, r1, 3 * V, NATIVE), e1);
                e2 = y3.fma(FloatVector.fromMemorySegment(S, r2, 3 * V, NATIVE), e2);
                e3 = y3.fma(FloatVector.fromMemorySegment(S, r3, 3 * V, NATIVE), e3);
                // NOTE: stored here, not through store4: in a method this size C2 left that call out
                // and boxed its four vectors (the SDDMM ran 4× slower; AllocationPerCallTest: 13 MB a call)
                c0.add(e0).intoArray(prods, g * L);
                c1.add(e1).intoArray(prods, (g + 1) * L);
                c2.add(e2).intoArray(prods, (g + 2) * L);
                c3.add(e3).intoArray(prods, (g + 3) * L);
            }
            // laneSums' fold of sixteen vectors (NOTE: written out again here, not called: a call per
            // sixteen entries loads the eight permute indexes each time, 3.8 against 2.6 ns an entry;
            // nor through a two-vector fold helper, which C2 left as a call in this method, boxing
            // its vectors: the SDDMM 8.1× slower, scripts/kernel-ab.sh)
            FloatVector v0 = FloatVector.fromArray(S, prods, 0);
            FloatVector v1 = FloatVector.fromArray(S, prods, L);
            FloatVector v2 = FloatVector.fromArray(S, prods, 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, prods, 3 * L);
            FloatVector v4 = FloatVector.fromArray(S, prods, 4 * L);
            FloatVector v5 = FloatVector.fromArray(S, prods, 5 * L);
            FloatVector v6 = FloatVector.fromArray(S, prods, 6 * L);
            FloatVector v7 = FloatVector.fromArray(S, prods, 7 * L);
            FloatVector v8 = FloatVector.fromArray(S, prods, 8 * L);
            FloatVector v9 = FloatVector.fromArray(S, prods, 9 * L);
            FloatVector v10 = FloatVector.fromArray(S, prods, 10 * L);
            FloatVector v11 = FloatVector.fromArray(S, prods, 11 * L);
            FloatVector v12 = FloatVector.fromArray(S, prods, 12 * L);
            FloatVector v13 = FloatVector.fromArray(S, prods, 13 * L);
            FloatVector v14 = FloatVector.fromArray(S, prods, 14 * L);
            FloatVector v15 = FloatVector.fromArray(S, prods, 15 * L);
            v0 = v0.blend(v8, m8).add(x8.selectFrom(v0, v8));
            v1 = v1.blend(v9, m8).add(x8.selectFrom(v1, v9));
            v2 = v2.blend(v10, m8).add(x8.selectFrom(v2, v10));
            v3 = v3.blend(v11, m8).add(x8.selectFrom(v3, v11));
            v4 = v4.blend(v12, m8).add(x8.selectFrom(v4, v12));
            v5 = v5.blend(v13, m8).add(x8.selectFrom(v5, v13));
            v6 = v6.blend(v14, m8).add(x8.selectFrom(v6, v14));
            v7 = v7.blend(v15, m8).add(x8.selectFrom(v7, v15));
            v0 = v0.blend(v4, m4).add(x4.selectFrom(v0, v4));
            v1 = v1.blend(v5, m4).add(x4.selectFrom(v1, v5));
            v2 = v2.blend(v6, m4).add(x4.selectFrom(v2, v6));
            v3 = v3.blend(v7, m4).add(x4.selectFrom(v3, v7));
            v0 = v0.blend(v2, m2).add(x2.selectFrom(v0, v2));
            v1 = v1.blend(v3, m2).add(x2.selectFrom(v1, v3));
            FloatVector sums = v0.blend(v1, m1).add(x1.selectFrom(v0, v1));
            int o = at + w - from;
            if (w == p) {
                if (accumulate) {
                    sums = FloatVector.fromArray(S, out, o).add(sums);
                }
                sums.intoArray(out, o);
            } else {
                sums.intoArray(prods, 0); // lanes p − w … 15 are new, one by one
                for (int k = p - w; k < 16; k++) {
                    out[o + k] = accumulate ? out[o + k] + prods[k] : prods[k];
                }
            }
        }
        return Math.min(p, to);
    }

    /** {@link #rowDots8} on rows of 2 vectors (batch 32 at 16 lanes); a copy for the reason of {@link #rowDots4}. */
    private static int rowDots2(float[] ya, MemorySegment s, int[] idx, int from, int to, MemorySegment prods) {
        int p = from;
        for (; p + 4 <= to; p += 4) {
            MemorySegment r0 = s.asSlice((long) idx[p] * 2 * V, 2 * V);
            MemorySegment r1 = s.asSlice((long) idx[p + 1] * 2 * V, 2 * V);
            MemorySegment r2 = s.asSlice((long) idx[p + 2] * 2 * V, 2 * V);
            MemorySegment r3 = s.asSlice((long) idx[p + 3] * 2 * V, 2 * V);
            // dot1x4's chains: even vectors into c, odd into e
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            FloatVector e0 = c0, e1 = c0, e2 = c0, e3 = c0;
            for (int k = 0; k < 2; k += 2) {
                long o = k * V;
                FloatVector x = FloatVector.fromArray(S, ya, k * L);
                FloatVector y = FloatVector.fromArray(S, ya, (k + 1) * L);
                c0 = x.fma(FloatVector.fromMemorySegment(S, r0, o, NATIVE), c0);
                c1 = x.fma(FloatVector.fromMemorySegment(S, r1, o, NATIVE), c1);
                c2 = x.fma(FloatVector.fromMemorySegment(S, r2, o, NATIVE), c2);
                c3 = x.fma(FloatVector.fromMemorySegment(S, r3, o, NATIVE), c3);
                e0 = y.fma(FloatVector.fromMemorySegment(S, r0, o + V, NATIVE), e0);
                e1 = y.fma(FloatVector.fromMemorySegment(S, r1, o + V, NATIVE), e1);
                e2 = y.fma(FloatVector.fromMemorySegment(S, r2, o + V, NATIVE), e2);
                e3 = y.fma(FloatVector.fromMemorySegment(S, r3, o + V, NATIVE), e3);
            }
            store4(c0.add(e0), c1.add(e1), c2.add(e2), c3.add(e3), prods, (p - from) * L);
        }
        return p;
    }

    /** Four entries' product vectors to {@code prods[at …]}, one after another. */
    private static void store4(FloatVector d0, FloatVector d1, FloatVector d2, FloatVector d3, MemorySegment prods,
                               int at) {
        long o = (long) at * Float.BYTES;
        d0.reinterpretAsBytes().intoMemorySegment(prods, o, LE);
        d1.reinterpretAsBytes().intoMemorySegment(prods, o + V, LE);
        d2.reinterpretAsBytes().intoMemorySegment(prods, o + 2 * V, LE);
        d3.reinterpretAsBytes().intoMemorySegment(prods, o + 3 * V, LE);
    }

    /**
     * One A row against four S rows, written to {@code out[at + n·step]} ({@code +=} when
     * {@code accumulate}). Two batch vectors per step give 8 independent FMA chains. {@code sums}: at
     * least 4·L floats of scratch, used below 16 lanes.
     */
    static void dot1x4(MemorySegment a, long a0, MemorySegment s, long s0, long s1, long s2, long s3, int ld,
                       float[] out, int at, int step, boolean accumulate, float[] sums) {
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
            FloatVector x = FloatVector.fromMemorySegment(S, ra, b, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(S, ra, b + V, NATIVE);
            c0 = x.fma(FloatVector.fromMemorySegment(S, r0, b, NATIVE), c0);
            c1 = x.fma(FloatVector.fromMemorySegment(S, r1, b, NATIVE), c1);
            c2 = x.fma(FloatVector.fromMemorySegment(S, r2, b, NATIVE), c2);
            c3 = x.fma(FloatVector.fromMemorySegment(S, r3, b, NATIVE), c3);
            e0 = y.fma(FloatVector.fromMemorySegment(S, r0, b + V, NATIVE), e0);
            e1 = y.fma(FloatVector.fromMemorySegment(S, r1, b + V, NATIVE), e1);
            e2 = y.fma(FloatVector.fromMemorySegment(S, r2, b + V, NATIVE), e2);
            e3 = y.fma(FloatVector.fromMemorySegment(S, r3, b + V, NATIVE), e3);
        }
        if (b < end) {
            FloatVector x = FloatVector.fromMemorySegment(S, ra, b, NATIVE);
            c0 = x.fma(FloatVector.fromMemorySegment(S, r0, b, NATIVE), c0);
            c1 = x.fma(FloatVector.fromMemorySegment(S, r1, b, NATIVE), c1);
            c2 = x.fma(FloatVector.fromMemorySegment(S, r2, b, NATIVE), c2);
            c3 = x.fma(FloatVector.fromMemorySegment(S, r3, b, NATIVE), c3);
        }
        // The four lane sums, each in Simd.sum's pairwise order (so bit-identical to it); at 16 lanes
        // all four at once: steps h = 8, 4 across the vectors, then h = 2, 1 within, sum n in lane 4n.
        // NOTE: written here, not in a helper taking the four vectors: such a helper, once compiled on
        // its own (above InlineSmallCode), was no longer inlined and boxed them. And not through
        // Simd.fold at 8 lanes, though it would take fewer instructions: with 16 registers (AVX2) C2
        // kept the fold's masks and permute indexes in registers across the FMA loop and spilled its
        // accumulators (CSR weight gradient 2.0-2.1 -> 3.1-3.5 ms, JMH on Zen 3).
        c0 = c0.add(e0);
        c1 = c1.add(e1);
        c2 = c2.add(e2);
        c3 = c3.add(e3);
        float x0, x1, x2, x3;
        if (L == 16) {
            FloatVector cross = FloatVector.fromArray(S, GemmTranspose.CROSS[0], 0);
            FloatVector t0 = c0.blend(c2, Simd.HIGH_8).add(cross.selectFrom(c0, c2));
            FloatVector t1 = c1.blend(c3, Simd.HIGH_8).add(cross.selectFrom(c1, c3));
            cross = FloatVector.fromArray(S, GemmTranspose.CROSS[1], 0);
            FloatVector u = t0.blend(t1, Simd.HIGH_4).add(cross.selectFrom(t0, t1));
            u = u.add(u.rearrange(Simd.SWAP_2));
            u = u.add(u.rearrange(Simd.SWAP_1));
            x0 = u.lane(0);
            x1 = u.lane(4);
            x2 = u.lane(8);
            x3 = u.lane(12);
        } else {
            // Through the array: Simd.sum taking the vector, left a call where C2 ran out of its node
            // budget in this method (seen at 256 bits), boxed the four vectors at every call.
            c0.intoArray(sums, 0);
            c1.intoArray(sums, L);
            c2.intoArray(sums, 2 * L);
            c3.intoArray(sums, 3 * L);
            x0 = Simd.sum(sums, 0);
            x1 = Simd.sum(sums, L);
            x2 = Simd.sum(sums, 2 * L);
            x3 = Simd.sum(sums, 3 * L);
        }
        put(out, at, x0, accumulate);
        put(out, at + step, x1, accumulate);
        put(out, at + 2 * step, x2, accumulate);
        put(out, at + 3 * step, x3, accumulate);
    }

    /**
     * {@code sums[to + k] = Simd.sum(prods[at + k·stride …])} for k < {@code count} (offsets in floats
     * of the native scratch {@code prods}, whose vectors are then read aligned: {@link SumScratch}),
     * bit-identical to {@link Simd#sum}: at 16 lanes sixteen vectors at a time (the last few of a count
     * of 16 or more as the sixteen that end at {@code count}, the earlier ones summed again and not
     * stored: the fused CSR sweep 0.97–0.98 of its time with them one by one), at 8 lanes eight, the
     * rest one by one.
     * Sixteen at once: at step h (8, 4, 2, 1) vectors i and i + h are folded into one whose lanes with
     * bit h clear carry i's pair sums and the others i + h's, so lane k of the last vector holds
     * vector k's sum. Each fold is a blend of the two vectors (every lane keeps its own value) plus
     * one two-source permute that brings each lane its partner ({@link GemmTranspose#CROSS}): 15
     * permutes, 15 blends and 15 adds for sixteen sums, against 64 and 64 one by one. (Two permutes
     * per fold, one for each addend, had kept the permute port twice as busy: the SDDMM ran 2.3–2.7 %
     * slower, paired calls of the two builds in one JVM, {@code scripts/kernel-ab.sh}.) Eight at
     * once: the same steps (4, 2, 1) through {@link Simd#fold}.
     *
     * <p>NOTE: one method with the loop inside, on purpose: the eight index vectors are converted
     * to permute indexes once per call instead of once per sixteen (as a separate 16-vector method,
     * too large for C2 to inline, had done: 0.62 against 0.92 ns per sum, measured).
     */
    static void laneSums(MemorySegment prods, int at, int stride, int count, float[] sums, int to) {
        int k = 0;
        long step = (long) stride * Float.BYTES;
        if (L == 16 && count >= 16) {
            FloatVector x8 = FloatVector.fromArray(S, GemmTranspose.CROSS[0], 0);
            VectorMask<Float> m8 = Simd.HIGH_8;
            FloatVector x4 = FloatVector.fromArray(S, GemmTranspose.CROSS[1], 0);
            VectorMask<Float> m4 = Simd.HIGH_4;
            FloatVector x2 = FloatVector.fromArray(S, GemmTranspose.CROSS[2], 0);
            VectorMask<Float> m2 = Simd.HIGH_2;
            FloatVector x1 = FloatVector.fromArray(S, GemmTranspose.CROSS[3], 0);
            VectorMask<Float> m1 = Simd.HIGH_1;
            for (; k < count; k += 16) {
                // the next sixteen, or for the last few the sixteen that end at count (those before k
                // summed again and not stored)
                int w = Math.min(k, count - 16);
                long a = (long) (at + w * stride) * Float.BYTES;
                FloatVector v0 = FloatVector.fromMemorySegment(S, prods, a, NATIVE);
                FloatVector v1 = FloatVector.fromMemorySegment(S, prods, a + step, NATIVE);
                FloatVector v2 = FloatVector.fromMemorySegment(S, prods, a + 2 * step, NATIVE);
                FloatVector v3 = FloatVector.fromMemorySegment(S, prods, a + 3 * step, NATIVE);
                FloatVector v4 = FloatVector.fromMemorySegment(S, prods, a + 4 * step, NATIVE);
                FloatVector v5 = FloatVector.fromMemorySegment(S, prods, a + 5 * step, NATIVE);
                FloatVector v6 = FloatVector.fromMemorySegment(S, prods, a + 6 * step, NATIVE);
                FloatVector v7 = FloatVector.fromMemorySegment(S, prods, a + 7 * step, NATIVE);
                FloatVector v8 = FloatVector.fromMemorySegment(S, prods, a + 8 * step, NATIVE);
                FloatVector v9 = FloatVector.fromMemorySegment(S, prods, a + 9 * step, NATIVE);
                FloatVector v10 = FloatVector.fromMemorySegment(S, prods, a + 10 * step, NATIVE);
                FloatVector v11 = FloatVector.fromMemorySegment(S, prods, a + 11 * step, NATIVE);
                FloatVector v12 = FloatVector.fromMemorySegment(S, prods, a + 12 * step, NATIVE);
                FloatVector v13 = FloatVector.fromMemorySegment(S, prods, a + 13 * step, NATIVE);
                FloatVector v14 = FloatVector.fromMemorySegment(S, prods, a + 14 * step, NATIVE);
                FloatVector v15 = FloatVector.fromMemorySegment(S, prods, a + 15 * step, NATIVE);
                v0 = v0.blend(v8, m8).add(x8.selectFrom(v0, v8));
                v1 = v1.blend(v9, m8).add(x8.selectFrom(v1, v9));
                v2 = v2.blend(v10, m8).add(x8.selectFrom(v2, v10));
                v3 = v3.blend(v11, m8).add(x8.selectFrom(v3, v11));
                v4 = v4.blend(v12, m8).add(x8.selectFrom(v4, v12));
                v5 = v5.blend(v13, m8).add(x8.selectFrom(v5, v13));
                v6 = v6.blend(v14, m8).add(x8.selectFrom(v6, v14));
                v7 = v7.blend(v15, m8).add(x8.selectFrom(v7, v15));
                v0 = v0.blend(v4, m4).add(x4.selectFrom(v0, v4));
                v1 = v1.blend(v5, m4).add(x4.selectFrom(v1, v5));
                v2 = v2.blend(v6, m4).add(x4.selectFrom(v2, v6));
                v3 = v3.blend(v7, m4).add(x4.selectFrom(v3, v7));
                v0 = v0.blend(v2, m2).add(x2.selectFrom(v0, v2));
                v1 = v1.blend(v3, m2).add(x2.selectFrom(v1, v3));
                FloatVector folded = v0.blend(v1, m1).add(x1.selectFrom(v0, v1));
                if (w == k) {
                    folded.intoArray(sums, to + k);
                } else {
                    folded.intoArray(sums, to + w, S.indexInRange(w - k, 16 + w - k)); // lanes k − w … 15
                }
            }
        } else if (L == 8) {
            for (; k + 8 <= count; k += 8) {
                long a = (long) (at + k * stride) * Float.BYTES;
                FloatVector v0 = FloatVector.fromMemorySegment(S, prods, a, NATIVE);
                FloatVector v1 = FloatVector.fromMemorySegment(S, prods, a + step, NATIVE);
                FloatVector v2 = FloatVector.fromMemorySegment(S, prods, a + 2 * step, NATIVE);
                FloatVector v3 = FloatVector.fromMemorySegment(S, prods, a + 3 * step, NATIVE);
                FloatVector v4 = FloatVector.fromMemorySegment(S, prods, a + 4 * step, NATIVE);
                FloatVector v5 = FloatVector.fromMemorySegment(S, prods, a + 5 * step, NATIVE);
                FloatVector v6 = FloatVector.fromMemorySegment(S, prods, a + 6 * step, NATIVE);
                FloatVector v7 = FloatVector.fromMemorySegment(S, prods, a + 7 * step, NATIVE);
                v0 = Simd.fold(v0, v4, Simd.HIGH_4, Simd.SWAP_4);
                v1 = Simd.fold(v1, v5, Simd.HIGH_4, Simd.SWAP_4);
                v2 = Simd.fold(v2, v6, Simd.HIGH_4, Simd.SWAP_4);
                v3 = Simd.fold(v3, v7, Simd.HIGH_4, Simd.SWAP_4);
                v0 = Simd.fold(v0, v2, Simd.HIGH_2, Simd.SWAP_2);
                v1 = Simd.fold(v1, v3, Simd.HIGH_2, Simd.SWAP_2);
                Simd.fold(v0, v1, Simd.HIGH_1, Simd.SWAP_1).intoArray(sums, to + k);
            }
        }
        for (; k < count; k++) {
            sums[to + k] = Simd.sum(prods, (long) (at + k * stride) * Float.BYTES);
        }
    }
}
