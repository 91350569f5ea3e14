package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link SimdGemm}: {@code C[MR×NR] = Ã·B̃ + β·C} for MR rows of A and one
 * packed B micro-panel ({@code kc×NR}, k-major); {@link #tile8} for 8 rows at 512 bits. A comes in
 * one of two layouts: rows {@link GemmPacking#A_STRIDE} apart with k stride 1 (a packed block, already
 * scaled by α, or one tile's rows of a row-major A copied as they are), or adjacent rows with any k
 * stride (A stored transposed and read in place, or its short-stride copy).
 *
 * <p>Why a row-major A read in place is copied first: its rows lie {@code lda} apart, a stride known
 * only at run time, so each of the tile's row loads needed an address of its own and a range check
 * in every k step (with 8 rows, C2 also ran out of general registers and moved some to vector
 * registers and back); at the constant stride, the rows are constant offsets from one index. 8 rows
 * of 128 × 128 blocks at batch 64, the copy included: 109–118 → 142–148 GFLOP/s on the Xeon; at 256
 * bits the whole 8-block forward 230–232 → 193–194 µs.
 *
 * <p>Tile shape: {@link #NR} = 2 vectors (2·LANES columns) by {@link #MR} rows: 6 on a CPU with 32
 * vector registers ({@link Simd#WIDE_REGISTER_FILE}: {@link #tile6}), 4 on AVX2's 16
 * ({@link #tile4}). At 6 rows that is 12 accumulators, 2 B vectors and a broadcast A value; but C2
 * loads all six of a k step's A values before their FMAs, which makes 20 live registers: they fit
 * AVX-512's 32, while on AVX2's 16 one accumulator went to the stack and every k step waited on a
 * store-to-load round trip (Zen 3, 256 bits: 38–41 GFLOP/s, ~45 % of the FMA peak). With 4 rows the
 * worst case is 14 registers (Zen 3: 1024³ 40 → 65–75 GFLOP/s). Measured on Zen 5 (C2, JDK 25): 6×2
 * runs at ~100 % of the FMA peak, while 24-accumulator tiles (8×3, 6×4, 12×2) lose 20–40 % to C2
 * spilling one or two accumulators per k step. 12 independent accumulators cover the FMA latency ×
 * throughput product (4 cycles × 2 pipes = 8 chains on Zen 5) with room to spare; 8 cover it exactly.
 *
 * <p>C is read after the k loop ({@code acc + β·C}), not before it: a C tile that is not in cache
 * (C of a 1024² product is 4 MiB; each k slice revisits all of it) then delays only this tile's
 * stores, while the out-of-order core already runs the next tile's FMAs, instead of holding up the
 * first FMA of this one. Measured with C out of L2: 240–243 → 246–248 GFLOP/s for the tile alone.
 */
final class GemmMicroKernel {
    static final VectorSpecies<Float> F32 = Simd.F32;
    static final int LANES = Simd.LANES;
    /** Rows of the register tile. */
    static final int MR = Simd.WIDE_REGISTER_FILE ? 6 : 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Row stride of a packed A block: a constant, so each row's load in its k loop has a fixed offset. */
    private static final int S = GemmPacking.A_STRIDE;

    private GemmMicroKernel() {}

    /**
     * {@code C[r][j] = β·C[r][j] + Σ_p pa[ao + r·rs + p·ks]·pb[bo + p·NR + j]} for r < MR, j < NR, with
     * C at {@code c[co + r·ldc + j]}; C is not read when β = 0. A has {@code rs = GemmPacking.A_STRIDE,
     * ks = 1} (a packed block or copied rows) or {@code rs = 1} (adjacent rows, any ks); any other
     * layout is rejected.
     *
     * <p>Each layout gets a k loop of its own, whose row offsets are constants: C2 folds them into one
     * range check, where a variable row stride cost the packed GEMM 5–10 % (1024³, measured).
     */
    static void tile(int kc, float[] pa, int ao, int rs, int ks, float[] pb, int bo, float[] c, int co, int ldc,
                     float beta) {
        if (MR == 6) {
            tile6(kc, pa, ao, rs, ks, pb, bo, c, co, ldc, beta);
        } else {
            tile4(kc, pa, ao, rs, ks, pb, bo, c, co, ldc, beta);
        }
    }

    /** {@link #tile} for {@link #MR} = 6: 32 vector registers (AVX-512, AArch64). */
    private static void tile6(int kc, float[] pa, int ao, int rs, int ks, float[] pb, int bo, float[] c, int co,
                              int ldc, float beta) {
        // NOTE: no helper method may take or return these vectors: a call that C2 does not inline
        // boxes them, and boxing a loop-carried accumulator puts an allocation in every k step.
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(F32);
        int a = ao;
        int b = bo;
        if (rs == S && ks == 1) {
            for (int p = 0; p < kc; p++, a++, b += NR) {
                FloatVector b0 = FloatVector.fromArray(F32, pb, b);
                FloatVector b1 = FloatVector.fromArray(F32, pb, b + LANES);
                // One broadcast per row, consumed at once: keeps the live set at 15 registers.
                FloatVector x = FloatVector.broadcast(F32, pa[a]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(F32, pa[a + S]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(F32, pa[a + 2 * S]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(F32, pa[a + 3 * S]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(F32, pa[a + 4 * S]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(F32, pa[a + 5 * S]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
            }
        } else {
            requireLayout("tile6", rs, ks);
            for (int p = 0; p < kc; p++, a += ks, b += NR) {
                FloatVector b0 = FloatVector.fromArray(F32, pb, b);
                FloatVector b1 = FloatVector.fromArray(F32, pb, b + LANES);
                FloatVector x = FloatVector.broadcast(F32, pa[a]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(F32, pa[a + 1]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(F32, pa[a + 2]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(F32, pa[a + 3]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(F32, pa[a + 4]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(F32, pa[a + 5]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
            }
        }
        if (beta != 0f) {
            // β·C is added after the k loop, not loaded before it: see the class comment.
            FloatVector vb = FloatVector.broadcast(F32, beta);
            int i = co;
            c00 = FloatVector.fromArray(F32, c, i).fma(vb, c00);
            c01 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c01);
            c10 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c10);
            c11 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c11);
            c20 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c20);
            c21 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c21);
            c30 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c30);
            c31 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c31);
            c40 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c40);
            c41 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c41);
            c50 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c50);
            c51 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c51);
        }
        int i = co;
        c00.intoArray(c, i);
        c01.intoArray(c, i + LANES);
        c10.intoArray(c, i += ldc);
        c11.intoArray(c, i + LANES);
        c20.intoArray(c, i += ldc);
        c21.intoArray(c, i + LANES);
        c30.intoArray(c, i += ldc);
        c31.intoArray(c, i + LANES);
        c40.intoArray(c, i += ldc);
        c41.intoArray(c, i + LANES);
        c50.intoArray(c, i += ldc);
        c51.intoArray(c, i + LANES);
    }

    /**
     * {@link #tile} for {@link #MR} = 4: 8 accumulators, 2 B vectors and 4 broadcasts even when C2
     * loads all of a k step's A values first (as it does), 14 registers, so it fits the 16 of AVX2.
     * Written out rather than shared with {@link #tile6}, for the reason noted there.
     */
    private static void tile4(int kc, float[] pa, int ao, int rs, int ks, float[] pb, int bo, float[] c, int co,
                              int ldc, float beta) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(F32);
        int a = ao;
        int b = bo;
        if (rs == S && ks == 1) {
            for (int p = 0; p < kc; p++, a++, b += NR) {
                FloatVector b0 = FloatVector.fromArray(F32, pb, b);
                FloatVector b1 = FloatVector.fromArray(F32, pb, b + LANES);
                FloatVector x = FloatVector.broadcast(F32, pa[a]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(F32, pa[a + S]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(F32, pa[a + 2 * S]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(F32, pa[a + 3 * S]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
        } else {
            requireLayout("tile4", rs, ks);
            for (int p = 0; p < kc; p++, a += ks, b += NR) {
                FloatVector b0 = FloatVector.fromArray(F32, pb, b);
                FloatVector b1 = FloatVector.fromArray(F32, pb, b + LANES);
                FloatVector x = FloatVector.broadcast(F32, pa[a]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(F32, pa[a + 1]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(F32, pa[a + 2]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(F32, pa[a + 3]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
        }
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(F32, beta);
            int i = co;
            c00 = FloatVector.fromArray(F32, c, i).fma(vb, c00);
            c01 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c01);
            c10 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c10);
            c11 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c11);
            c20 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c20);
            c21 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c21);
            c30 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c30);
            c31 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c31);
        }
        int i = co;
        c00.intoArray(c, i);
        c01.intoArray(c, i + LANES);
        c10.intoArray(c, i += ldc);
        c11.intoArray(c, i + LANES);
        c20.intoArray(c, i += ldc);
        c21.intoArray(c, i + LANES);
        c30.intoArray(c, i += ldc);
        c31.intoArray(c, i + LANES);
    }

    /**
     * {@link #tile} for 8 rows: 16 accumulators, 2 B vectors and a broadcast, 19 live registers or
     * more, so only on a CPU with 32 ({@link SimdGemm#TILE8}). It serves products whose row count is a
     * multiple of 8 (the 64- and 128-row blocks of a block-diagonal matrix, a batch of 128), which
     * 6-row tiles leave with an edge tile, and packed blocks of such a count. Written out rather than
     * shared with {@link #tile6}, for the reason noted there.
     */
    static void tile8(int kc, float[] pa, int ao, int rs, int ks, float[] pb, int bo, float[] c, int co,
                      int ldc, float beta) {
        if (rs == 1) {
            tile8Adjacent(kc, pa, ao, ks, pb, bo, c, co, ldc, beta);
        } else {
            requireLayout("tile8", rs, ks);
            tile8Strided(kc, pa, ao, pb, bo, c, co, ldc, beta);
        }
    }

    /**
     * {@link #tile8} for adjacent rows: A stored transposed (k stride {@code ks}), or its short-stride
     * copy. A method of its own: in one method with {@link #tile8Strided}'s loop, C2 allocated
     * registers for both at once and the strided loop ran ~10 % slower.
     */
    private static void tile8Adjacent(int kc, float[] pa, int ao, int ks, float[] pb, int bo, float[] c, int co,
                                      int ldc, float beta) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(F32);
        c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = c00;
        int a = ao;
        int b = bo;
        // Adjacent rows (A stored transposed, or its short-stride copy: a weight gradient dYᵀ·X):
        // constant offsets, one range check per k step instead of one per row. Measured on the
        // 256 tiles of the 16-block weight gradient alone: 65.5–67.8 → 63.5–65.7 µs.
        for (int p = 0; p < kc; p++, a += ks, b += NR) {
            FloatVector b0 = FloatVector.fromArray(F32, pb, b);
            FloatVector b1 = FloatVector.fromArray(F32, pb, b + LANES);
            FloatVector x = FloatVector.broadcast(F32, pa[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F32, pa[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F32, pa[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F32, pa[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F32, pa[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F32, pa[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F32, pa[a + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F32, pa[a + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(F32, beta);
            int i = co;
            c00 = FloatVector.fromArray(F32, c, i).fma(vb, c00);
            c01 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c01);
            c10 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c10);
            c11 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c11);
            c20 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c20);
            c21 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c21);
            c30 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c30);
            c31 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c31);
            c40 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c40);
            c41 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c41);
            c50 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c50);
            c51 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c51);
            c60 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c60);
            c61 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c61);
            c70 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c70);
            c71 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c71);
        }
        int i = co;
        c00.intoArray(c, i);
        c01.intoArray(c, i + LANES);
        c10.intoArray(c, i += ldc);
        c11.intoArray(c, i + LANES);
        c20.intoArray(c, i += ldc);
        c21.intoArray(c, i + LANES);
        c30.intoArray(c, i += ldc);
        c31.intoArray(c, i + LANES);
        c40.intoArray(c, i += ldc);
        c41.intoArray(c, i + LANES);
        c50.intoArray(c, i += ldc);
        c51.intoArray(c, i + LANES);
        c60.intoArray(c, i += ldc);
        c61.intoArray(c, i + LANES);
        c70.intoArray(c, i += ldc);
        c71.intoArray(c, i + LANES);
    }

    /** {@link #tile8} for rows {@link #S} apart, k stride 1: a packed block or a copied strip of rows. */
    private static void tile8Strided(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc,
                                     float beta) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(F32);
        c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = c00;
        // Each row's index is the loop counter plus a constant offset from an invariant, a form
        // whose range checks C2 moves out of the loop, and the eight loads share one index register.
        for (int p = 0; p < kc; p++) {
            int a = ao + p;
            int b = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(F32, pb, b);
            FloatVector b1 = FloatVector.fromArray(F32, pb, b + LANES);
            FloatVector x = FloatVector.broadcast(F32, pa[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F32, pa[a + S]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F32, pa[a + 2 * S]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F32, pa[a + 3 * S]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F32, pa[a + 4 * S]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F32, pa[a + 5 * S]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F32, pa[a + 6 * S]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F32, pa[a + 7 * S]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(F32, beta);
            int i = co;
            c00 = FloatVector.fromArray(F32, c, i).fma(vb, c00);
            c01 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c01);
            c10 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c10);
            c11 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c11);
            c20 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c20);
            c21 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c21);
            c30 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c30);
            c31 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c31);
            c40 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c40);
            c41 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c41);
            c50 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c50);
            c51 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c51);
            c60 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c60);
            c61 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c61);
            c70 = FloatVector.fromArray(F32, c, i += ldc).fma(vb, c70);
            c71 = FloatVector.fromArray(F32, c, i + LANES).fma(vb, c71);
        }
        int i = co;
        c00.intoArray(c, i);
        c01.intoArray(c, i + LANES);
        c10.intoArray(c, i += ldc);
        c11.intoArray(c, i + LANES);
        c20.intoArray(c, i += ldc);
        c21.intoArray(c, i + LANES);
        c30.intoArray(c, i += ldc);
        c31.intoArray(c, i + LANES);
        c40.intoArray(c, i += ldc);
        c41.intoArray(c, i + LANES);
        c50.intoArray(c, i += ldc);
        c51.intoArray(c, i + LANES);
        c60.intoArray(c, i += ldc);
        c61.intoArray(c, i + LANES);
        c70.intoArray(c, i += ldc);
        c71.intoArray(c, i + LANES);
    }

    /**
     * The two layouts of A the tiles read, checked where a tile picks its loop: rows {@link #S} apart
     * with k stride 1 (a packed block, or a strip of rows copied by the caller), or adjacent rows
     * (row stride 1: A stored transposed, or its short-stride copy) with any k stride.
     */
    private static void requireLayout(String tile, int rs, int ks) {
        if (rs != 1 && (rs != S || ks != 1)) {
            throw new IllegalArgumentException(tile + ": A must have row stride " + S
                    + " and k stride 1, or row stride 1; got row stride " + rs + " and k stride " + ks);
        }
    }

    /**
     * A tile cut by the matrix edge ({@code rows ≤ MR}, {@code cols ≤ NR}): the full tile is
     * computed into {@code scratch} (MR rows of A must be readable: the zero padding of a packed block,
     * or a copy), then {@code C[r][j] = scratch[r·NR + j] + β·C[r][j]} for the valid part, with masked
     * vectors.
     */
    static void edge(int kc, float[] pa, int ao, int rs, int ks, float[] pb, int bo, float[] scratch, int rows,
                     int cols, float[] c, int co, int ldc, float beta) {
        tile(kc, pa, ao, rs, ks, pb, bo, scratch, 0, NR, 0f);
        addCut(scratch, rows, cols, c, co, ldc, beta);
    }

    /** {@link #edge} for the 8 rows of {@link #tile8}, the columns cut to {@code cols ≤ NR}. */
    static void edge8(int kc, float[] pa, int ao, int rs, int ks, float[] pb, int bo, float[] scratch, int cols,
                      float[] c, int co, int ldc, float beta) {
        tile8(kc, pa, ao, rs, ks, pb, bo, scratch, 0, NR, 0f);
        addCut(scratch, 8, cols, c, co, ldc, beta);
    }

    /** {@code C[r][j] = scratch[r·NR + j] + β·C[r][j]} for r < rows, j < cols, with masked vectors. */
    private static void addCut(float[] scratch, int rows, int cols, float[] c, int co, int ldc, float beta) {
        VectorMask<Float> lo = F32.indexInRange(0, cols);
        VectorMask<Float> hi = F32.indexInRange(LANES, cols);
        FloatVector vb = FloatVector.broadcast(F32, beta);
        for (int r = 0, t = 0, ci = co; r < rows; r++, t += NR, ci += ldc) {
            FloatVector x0 = FloatVector.fromArray(F32, scratch, t);
            FloatVector x1 = FloatVector.fromArray(F32, scratch, t + LANES);
            if (beta != 0f) {
                x0 = FloatVector.fromArray(F32, c, ci, lo).fma(vb, x0);
                x1 = FloatVector.fromArray(F32, c, ci + LANES, hi).fma(vb, x1);
            }
            x0.intoArray(c, ci, lo);
            x1.intoArray(c, ci + LANES, hi);
        }
    }
}
