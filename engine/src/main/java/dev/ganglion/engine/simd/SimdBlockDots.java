package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.SimdSparseDots.put;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 4×4 register tile of dot products for the BSR weight gradient ({@link SimdBsr}): four rows of A
 * against four rows of S, {@code out[m][n] = Σ_b A[m, b]·S[n, b]}, reduced once at the end. Its edges
 * (1×4 and 1×1) and the CSR SDDMM's row dots are in {@link SimdSparseDots}.
 */
final class SimdBlockDots {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Bytes of one vector. */
    private static final long V = (long) L * Float.BYTES;
    /** At 16 lanes: lanes 4m … 4m+3, the m-th output row of a 4×4 tile. */
    private static final VectorMask<Float>[] ROW_LANES = rowLanes();

    /** Floats of {@link #dot4x4}'s scratch: its 16 accumulators. */
    static final int SUMS = 16 * L;

    private SimdBlockDots() {}

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] rowLanes() {
        VectorMask<Float>[] m = new VectorMask[4];
        for (int r = 0; r < 4 && L == 16; r++) {
            m[r] = VectorMask.fromLong(S, 0xFL << (4 * r));
        }
        return m;
    }

    /**
     * Four consecutive A rows (stride ld) against four consecutive S rows: 16 accumulators, 8 loads
     * per 16 FMAs; result (m, n) to {@code out[at + m·rowStep + n]}. {@code sums} holds
     * {@link #SUMS} floats of scratch, used below 16 lanes.
     */
    static void dot4x4(MemorySegment a, long a0, MemorySegment s, long s0, int ld, float[] out, int at, int rowStep,
                       boolean accumulate, float[] sums) {
        MemorySegment ra = a.asSlice(a0 * Float.BYTES, 4L * ld * Float.BYTES);
        MemorySegment rs = s.asSlice(s0 * Float.BYTES, 4L * ld * Float.BYTES);
        long row = (long) ld * Float.BYTES;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        long done = 0; // bytes of each row already summed
        if (row == 4 * V || row == 8 * V) {
            // Rows of 4 or 8 vectors (batch 64 or 128 at 16 lanes) in chunks of 4 vectors, each a set
            // of constant-length slices read by a loop of constant trip count: C2 unrolls it and folds
            // the loads' bounds checks into the slices' (BSR weight gradient 1024² at 25 %, batch 64:
            // 0.55 -> 0.39 ms, 62 -> 86 GFLOP/s). Rows of 8 vectors had a copy of their own (1.02 ->
            // 0.79 ms at batch 128); as two chunks they run as fast (0.91-0.96 ms, against 0.85-1.04
            // with the copy, three alternating runs), with a third fewer of the loads that fill C2's
            // node budget (with three copies, loads past it were left as calls and boxed: 80-100 MB
            // a call in another test order).
            // NOTE: the chunk's body is the loop's below, written out twice on purpose: the constants
            // must be in the code C2 compiles, and a shared helper would take (and box) the 16
            // accumulators. Longer rows split into chunks were slower (nested loops, not unrolled).
            done = row;
            for (long chunk = 0; chunk < row; chunk += 4 * V) {
                MemorySegment a0s = ra.asSlice(chunk, 4 * V);
                MemorySegment a1s = ra.asSlice(row + chunk, 4 * V);
                MemorySegment a2s = ra.asSlice(2 * row + chunk, 4 * V);
                MemorySegment a3s = ra.asSlice(3 * row + chunk, 4 * V);
                MemorySegment s0s = rs.asSlice(chunk, 4 * V);
                MemorySegment s1s = rs.asSlice(row + chunk, 4 * V);
                MemorySegment s2s = rs.asSlice(2 * row + chunk, 4 * V);
                MemorySegment s3s = rs.asSlice(3 * row + chunk, 4 * V);
                for (int k = 0; k < 4; k++) {
                    long b = k * V;
                    FloatVector x0 = FloatVector.fromMemorySegment(S, a0s, b, NATIVE);
                    FloatVector x1 = FloatVector.fromMemorySegment(S, a1s, b, NATIVE);
                    FloatVector x2 = FloatVector.fromMemorySegment(S, a2s, b, NATIVE);
                    FloatVector x3 = FloatVector.fromMemorySegment(S, a3s, b, NATIVE);
                    FloatVector y = FloatVector.fromMemorySegment(S, s0s, b, NATIVE);
                    c00 = x0.fma(y, c00);
                    c10 = x1.fma(y, c10);
                    c20 = x2.fma(y, c20);
                    c30 = x3.fma(y, c30);
                    y = FloatVector.fromMemorySegment(S, s1s, b, NATIVE);
                    c01 = x0.fma(y, c01);
                    c11 = x1.fma(y, c11);
                    c21 = x2.fma(y, c21);
                    c31 = x3.fma(y, c31);
                    y = FloatVector.fromMemorySegment(S, s2s, b, NATIVE);
                    c02 = x0.fma(y, c02);
                    c12 = x1.fma(y, c12);
                    c22 = x2.fma(y, c22);
                    c32 = x3.fma(y, c32);
                    y = FloatVector.fromMemorySegment(S, s3s, b, NATIVE);
                    c03 = x0.fma(y, c03);
                    c13 = x1.fma(y, c13);
                    c23 = x2.fma(y, c23);
                    c33 = x3.fma(y, c33);
                }
            }
        }
        for (long b = done; b < row; b += V) {
            FloatVector x0 = FloatVector.fromMemorySegment(S, ra, b, NATIVE);
            FloatVector x1 = FloatVector.fromMemorySegment(S, ra, row + b, NATIVE);
            FloatVector x2 = FloatVector.fromMemorySegment(S, ra, 2 * row + b, NATIVE);
            FloatVector x3 = FloatVector.fromMemorySegment(S, ra, 3 * row + b, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(S, rs, b, NATIVE);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = FloatVector.fromMemorySegment(S, rs, row + b, NATIVE);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = FloatVector.fromMemorySegment(S, rs, 2 * row + b, NATIVE);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = FloatVector.fromMemorySegment(S, rs, 3 * row + b, NATIVE);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        if (L == 16) {
            // All 16 lane sums in one vector (lane 4m + n holds (m, n)), in Simd.sum's pairwise
            // order: 15 folds, each a blend, a permute (GemmTranspose.CROSS) and an add, instead of
            // 64 permutes and 64 adds. NOTE: written out here, not in a helper taking the 16 vectors:
            // C2 declined to inline such helpers ("callee is too large") and boxed every vector
            // passed, making the BSR weight gradient 25× slower.
            FloatVector cross = FloatVector.fromArray(S, GemmTranspose.CROSS[0], 0);
            FloatVector t0 = c00.blend(c20, Simd.HIGH_8).add(cross.selectFrom(c00, c20));
            FloatVector t1 = c01.blend(c21, Simd.HIGH_8).add(cross.selectFrom(c01, c21));
            FloatVector t2 = c02.blend(c22, Simd.HIGH_8).add(cross.selectFrom(c02, c22));
            FloatVector t3 = c03.blend(c23, Simd.HIGH_8).add(cross.selectFrom(c03, c23));
            FloatVector t4 = c10.blend(c30, Simd.HIGH_8).add(cross.selectFrom(c10, c30));
            FloatVector t5 = c11.blend(c31, Simd.HIGH_8).add(cross.selectFrom(c11, c31));
            FloatVector t6 = c12.blend(c32, Simd.HIGH_8).add(cross.selectFrom(c12, c32));
            FloatVector t7 = c13.blend(c33, Simd.HIGH_8).add(cross.selectFrom(c13, c33));
            cross = FloatVector.fromArray(S, GemmTranspose.CROSS[1], 0);
            t0 = t0.blend(t4, Simd.HIGH_4).add(cross.selectFrom(t0, t4));
            t1 = t1.blend(t5, Simd.HIGH_4).add(cross.selectFrom(t1, t5));
            t2 = t2.blend(t6, Simd.HIGH_4).add(cross.selectFrom(t2, t6));
            t3 = t3.blend(t7, Simd.HIGH_4).add(cross.selectFrom(t3, t7));
            cross = FloatVector.fromArray(S, GemmTranspose.CROSS[2], 0);
            t0 = t0.blend(t2, Simd.HIGH_2).add(cross.selectFrom(t0, t2));
            t1 = t1.blend(t3, Simd.HIGH_2).add(cross.selectFrom(t1, t3));
            cross = FloatVector.fromArray(S, GemmTranspose.CROSS[3], 0);
            FloatVector r = t0.blend(t1, Simd.HIGH_1).add(cross.selectFrom(t0, t1));
            for (int m = 0; m < 4; m++) {
                // lanes 4m … 4m+3 to out[at + m·rowStep …]: a masked access at base + lane
                int base = at + m * rowStep - 4 * m;
                VectorMask<Float> lanes = ROW_LANES[m];
                FloatVector v = accumulate ? FloatVector.fromArray(S, out, base, lanes).add(r) : r;
                v.intoArray(out, base, lanes);
            }
            return;
        }
        // Other widths: the accumulators stored to `sums`, then one lane sum each read back from
        // it. Simd.sum(vector) on each accumulator, a call C2 did not inline into this large
        // method, had boxed every one of them, and with them the loop's FMAs (256 bits: the BSR
        // weight gradient of 1,024² at 25 %, batch 64, took 14 ms and 118 MB a call, now 1.5 ms).
        c00.intoArray(sums, 0);
        c01.intoArray(sums, L);
        c02.intoArray(sums, 2 * L);
        c03.intoArray(sums, 3 * L);
        c10.intoArray(sums, 4 * L);
        c11.intoArray(sums, 5 * L);
        c12.intoArray(sums, 6 * L);
        c13.intoArray(sums, 7 * L);
        c20.intoArray(sums, 8 * L);
        c21.intoArray(sums, 9 * L);
        c22.intoArray(sums, 10 * L);
        c23.intoArray(sums, 11 * L);
        c30.intoArray(sums, 12 * L);
        c31.intoArray(sums, 13 * L);
        c32.intoArray(sums, 14 * L);
        c33.intoArray(sums, 15 * L);
        for (int m = 0; m < 4; m++) {
            for (int n = 0; n < 4; n++) {
                put(out, at + m * rowStep + n, Simd.sum(sums, (4 * m + n) * L), accumulate);
            }
        }
    }
}
