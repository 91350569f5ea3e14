package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.GemmMicroKernel.LANES;
import static dev.ganglion.engine.simd.GemmMicroKernel.MR;
import static dev.ganglion.engine.simd.GemmMicroKernel.NR;
import static dev.ganglion.engine.simd.GemmPacking.A_STRIDE;

import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.GemmKernel;

/**
 * SIMD {@link GemmKernel}: {@code C = α·op(A)·op(B) + β·C}, blocked like a BLAS (GotoBLAS/BLIS loop
 * order). For each {@code NC}-column panel and {@code KC}-deep slice of k, op(B) is packed once into
 * k-major micro-panels; for each {@code MC}-row block, α·op(A) is packed into a row-major block
 * of fixed stride ({@link GemmPacking#packA}); then the
 * {@link GemmMicroKernel} sweeps MR×NR register tiles over the two packed buffers, reading and
 * writing each C tile once per slice (β on the first slice, 1 after it).
 *
 * <p>Block sizes (Zen 5: 48 KiB L1d, 1 MiB L2 per core): a B micro-panel ({@code KC×NR} = 32 KiB at
 * 512 bits) stays in L1 while it meets all {@code MC/MR} A micro-panels; the A block
 * ({@code MC×KC} = 144 KiB with 6-row tiles, 96 KiB with 4) stays in L2; the B panel
 * ({@code KC×NC} = 1 MiB) streams from L3.
 * Measured: KC 256–512, MC 96–384 and NC 512–2048 are all within ±3 % on 1024³.
 *
 * <p>Threads: from {@link #PARALLEL_MIN_WORK} multiply–adds up, the output is cut into a grid of
 * tile-aligned parts, one per thread of the shared {@link Parallel} pool ({@link Grid}: on 2
 * threads the larger of m and n in two, on 16 a square product in 4 × 4); each part runs the whole
 * blocked loop with its own buffers ({@link GemmWorkspace}), so workers never wait on
 * each other (the price: each part packs its rows of A and its columns of B for itself). Below it
 * the product runs on the calling thread. m = 1 or n = 1 goes to {@link SimdGemv}, which does not pack.
 *
 * <p>A wide product of few rows with a transposed B ({@code NR ≤ m ≤ TRANSPOSED_MAX_M}, n ≥ 4·m: the
 * forward pass of a linear layer, {@code x·Wᵀ}) is computed transposed, {@code Cᵀ = B·op(A)ᵀ}, and
 * added to C through in-register transposes: the n×k weight is then the A of that product, read in
 * place row by row (up to {@link #DIRECT_A_MAX_N} rows of C; packed as a row-major A, a plain copy,
 * beyond), instead of being packed through transposes that gather 32 rows 4 KiB apart, and only
 * the m×n result is transposed. Measured (1 thread, old and new builds
 * alternating): m = 128, n = k = 1024 and 512 with Bᵀ 8–9 % faster; the MLP training step of
 * issue 3 3–4 % faster.
 *
 * <p>Subnormal values of the packed operands are read as zeros of their sign
 * ({@link GemmPacking#flushSubnormals}: on Intel cores an FMA with a subnormal operand takes a
 * microcode assist, and Java cannot set the CPU's denormals-are-zero mode); an operand read in place
 * (the direct A of a narrow product) is read as it is. Either way the difference is below
 * {@code 2⁻¹²⁶·Σ|b|} per output. Subnormal results of normal operands (products of two values
 * below ~2⁻⁶³) still take the assist.
 */
public final class SimdGemm implements GemmKernel {
    /** Depth of a packed slice of k. */
    static final int KC = 256;
    /** Rows of a packed A block (a multiple of MR). */
    static final int MC = 24 * MR;
    /** Columns of a packed B panel (a multiple of NR at every width). */
    static final int NC = 1024;
    /**
     * Widest column range for which op(A) is read in place instead of packed (when α = 1): packing
     * costs about a cycle per element of A and is repaid over the columns of C that reuse the packed
     * copy, which for narrow products (the 64-wide blocks of a block-diagonal matrix) it is not: in
     * place, their forward and input-gradient products run ~35 % faster.
     */
    static final int DIRECT_A_MAX_N = 4 * NR;
    /** Leading dimension from which a transposed A read in place is first copied to a short stride. */
    static final int RESTRIDE_MIN_LDA = 256;
    /**
     * A shorter leading dimension from which that copy is made when it serves at least
     * {@link #RESTRIDE_MIN_TILES} column tiles: at 128 floats (512 bytes) the rows of a 128-deep k
     * slice fall in 8 of the L1's 64 sets, 64 lines for 128. Measured (Zen 3, 1 thread, 8 blocks of
     * 128 × 128, the input gradient {@code W_gᵀ·dYᵀ[g]} of a feature-major G2GNet layer): batch 64
     * (4 tiles) 266–291 → 251–253 µs; batch 32 (2 tiles) 136–146 → 134–141; batch 16 (1 tile)
     * 70–75 → 76–80, slower, so not there. The G2GNet step at batch 64: −0.4 and −0.6 % (medians of
     * 400 interleaved pairs).
     */
    static final int RESTRIDE_NARROW_LDA = 128;
    /** Column tiles from which {@link #RESTRIDE_NARROW_LDA} applies. */
    static final int RESTRIDE_MIN_TILES = 4;
    /** Largest such copy, in floats (1 MiB): beyond it (a very tall narrow product) A is read as it is. */
    static final int RESTRIDE_MAX_FLOATS = 1 << 18;
    /**
     * How many times wider than tall a product with a transposed B must be to be computed transposed:
     * the swap trades packing the n×k B for packing the m×k A and transposing the m×n result. At
     * m = 128 it wins from n = 512 on (the MLP's 1,024 × 1,024 weight: 8–9 %) and loses at n = 256
     * when A has a long stride (4 blocks of 256 of a block-diagonal product: 10 % slower).
     */
    static final int TRANSPOSED_MIN_RATIO = 4;
    /**
     * Most rows of a product computed transposed (see the class comment). Where the width has an
     * in-register transpose ({@link GemmTranspose#BLOCK}) 128, a layer's batch of 128: at 512 bits
     * that is {@link #DIRECT_A_MAX_N}, so the weight is read in place; at 256 bits (where it is 64)
     * rows 65–128 pack the weight as a row-major A, cheap, instead of as a transposed B, and with
     * the 8×8 transposes that won: m = 128, n = 1,024, k = 784 2.54–2.70 against 2.70–2.95 ms, and
     * k = 1,024 3.43–3.58 against 3.58–3.88 (1 thread, Zen 3; slower before those transposes:
     * 4.43 against 3.83–3.96). Other widths keep {@link #DIRECT_A_MAX_N}.
     */
    static final int TRANSPOSED_MAX_M = GemmTranspose.BLOCK > 0 ? Math.max(128, DIRECT_A_MAX_N) : DIRECT_A_MAX_N;
    /** Largest block of a product computed transposed (see the class comment), in floats (1 MiB). */
    static final int TRANSPOSED_MAX_FLOATS = 1 << 18;
    /** Multiply–adds from which a product is split over the pool (~40 µs of work on one Zen 5 core). */
    static final long PARALLEL_MIN_WORK = 1L << 22;
    /**
     * Whether products use {@link GemmMicroKernel#tile8} where the rows allow (a multiple of 8 in a
     * product read in place or in a packed block; cut columns through {@link GemmMicroKernel#edge8}):
     * 512-bit vectors on a CPU with 32 vector registers ({@link Simd#WIDE_REGISTER_FILE}), which its 19
     * live vectors need. A block of 64 rows runs as 8 tiles instead of 10 and an edge tile that
     * computes 6 rows for the last 4 through a scratch tile. Measured (16 blocks of 64, batch 128,
     * 1 thread, medians of 5–6 alternating runs): weight gradient 0.0969 → 0.0889 ms, forward 0.0811
     * → 0.0780, input gradient 0.0803 → 0.0728. On packed blocks (Xeon, the two tiles alternating in
     * one JVM): 512³ 3–5 % faster, the 8 blocks of 128² of a G2GNet weight gradient level.
     */
    static final boolean TILE8 = LANES == 16 && Simd.WIDE_REGISTER_FILE;
    /**
     * Rows of the unit in which a product's rows are cut (over threads, and into slices of a
     * transposed product): whole {@link GemmMicroKernel#MR}-row tiles, and with {@link #TILE8} whole
     * 8-row tiles too (24, a multiple of 4, 6 and 8), so that a part of a product whose rows are a
     * multiple of 8 keeps its 8-row tiles. Cut in units of 6, the 1,024 rows of an MLP layer's
     * transposed forward product made two parts of 510 and 514 rows on 2 threads, both left to 6-row
     * tiles.
     */
    static final int ROW_UNIT = TILE8 ? 24 : MR;

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdGemm() {}

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
        } else if (m == 1) {
            // One row of C: x = row 0 of op(A), matrix = op(B).
            int incx = transA ? lda : 1;
            if (transB) {
                SimdGemv.dotRows(n, k, alpha, b, bOff, ldb, a, aOff, incx, beta, c, cOff, 1);
            } else {
                SimdGemv.axpyColumns(n, k, alpha, b, bOff, ldb, a, aOff, incx, beta, c, cOff, 1);
            }
        } else if (n == 1) {
            // One column of C: x = column 0 of op(B), matrix = op(A).
            int incx = transB ? 1 : ldb;
            if (transA) {
                SimdGemv.axpyColumns(m, k, alpha, a, aOff, lda, b, bOff, incx, beta, c, cOff, ldc);
            } else {
                SimdGemv.dotRows(m, k, alpha, a, aOff, lda, b, bOff, incx, beta, c, cOff, ldc);
            }
        } else if (transB && m >= NR && m <= TRANSPOSED_MAX_M && n >= TRANSPOSED_MIN_RATIO * m) {
            // Cᵀ = B·op(A)ᵀ, with B read in place as the direct A of that product: see the class comment.
            new Call(false, !transA, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc, true).run(n, m);
        } else {
            new Call(transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, false).run(m, n);
        }
    }

    /** {@code C = β·C} (k = 0: the product is empty); C is not read when β = 0. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    /**
     * The arguments of one product, shared by the parts that run it. With {@code transposedC} the
     * product computed is Cᵀ (m and n of {@link #run} count rows and columns of Cᵀ): each part
     * computes its block into a buffer of its workspace and adds it, transposed, to C.
     */
    private record Call(boolean transA, boolean transB, int k, float alpha,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc, boolean transposedC) {

        /** Splits the m×n output over the pool ({@link Grid}) or runs it inline. */
        void run(int m, int n) {
            int threads = Parallel.threads();
            if (threads == 1 || (long) m * n * k < PARALLEL_MIN_WORK) {
                block(0, m, 0, n);
                return;
            }
            int rowTiles = (m + ROW_UNIT - 1) / ROW_UNIT;
            int colTiles = (n + NR - 1) / NR;
            Grid g = Grid.choose(threads, m, n, rowTiles, colTiles);
            Parallel.forEachTask(g.parts(), (from, to) -> {
                for (int part = from; part < to; part++) {
                    int pi = part / g.cols();
                    int pj = part % g.cols();
                    block(cut(rowTiles, g.rows(), pi) * ROW_UNIT, Math.min(m, cut(rowTiles, g.rows(), pi + 1) * ROW_UNIT),
                            cut(colTiles, g.cols(), pj) * NR, Math.min(n, cut(colTiles, g.cols(), pj + 1) * NR));
                }
            });
        }

        /** The blocked loop over output rows {@code [ms, me)} and columns {@code [ns, ne)}. */
        void block(int ms, int me, int ns, int ne) {
            try (GemmWorkspace ws = GemmWorkspace.acquire()) {
                block(ms, me, ns, ne, ws);
            }
        }

        /** {@link #block(int, int, int, int)} in {@code ws}. */
        private void block(int ms, int me, int ns, int ne, GemmWorkspace ws) {
            if (transposedC) {
                // S = rows [r0, r1) of this block of Cᵀ (α = 1, β = 0, so that op(A) is read in
                // place), then C += Sᵀ; in slices of rows, so that S stays within 1 MiB.
                int width = ne - ns;
                int slice = Math.max(ROW_UNIT, TRANSPOSED_MAX_FLOATS / width / ROW_UNIT * ROW_UNIT);
                for (int r0 = ms; r0 < me; r0 += slice) {
                    int r1 = Math.min(me, r0 + slice);
                    float[] s = ws.transposed((r1 - r0) * width);
                    new Call(transA, transB, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, s, -(r0 * width + ns), width, false)
                            .block(r0, r1, ns, ne, ws);
                    GemmTranspose.addTransposed(s, r1 - r0, width, alpha, beta, c, cOff + ns * ldc + r0, ldc, ws.block);
                }
                return;
            }
            boolean directA = alpha == 1f && ne - ns <= DIRECT_A_MAX_N;
            for (int jc = ns; jc < ne; jc += NC) {
                int nc = Math.min(NC, ne - jc);
                float[] pb = ws.packB(roundUp(nc, NR) * Math.min(KC, k));
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb);
                    // C holds the partial sum after the first slice of k: later slices add to it.
                    float betaSlice = pc == 0 ? beta : 1f;
                    int ic = ms;
                    if (directA) {
                        ic = sweepDirectA(ms, me, nc, kc, pc, pb, ws, cOff + jc, betaSlice);
                    }
                    for (; ic < me; ic += MC) {
                        int mc = Math.min(MC, me - ic);
                        GemmPacking.packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, ws.packA);
                        sweep(mc, nc, kc, pb, ws, cOff + ic * ldc + jc, betaSlice);
                    }
                }
            }
        }

        /**
         * Rows {@code [rs, re)} × one packed B panel with op(A) read in place (α = 1): row-major A has
         * element (r, p) at {@code r·lda + p}, transposed A at {@code p·lda + r}. The rows are the outer
         * loop, so that each A micro-panel is read from memory once and from L1 for the other (at most
         * four) B micro-panels; tiles cut by the last columns go through a scratch tile. A row-major A
         * is copied one tile's rows at a time to the packed stride, as it is (no α, no flush), which
         * the tile reads at constant offsets (see {@link GemmMicroKernel}); a transposed A is read in
         * place. Returns the first row not computed: the last rows (fewer than MR) are left to the
         * packed path, as a tile reads MR rows, unless A was copied to a short stride, where they are
         * read from the copy, or the rows go in 8-row tiles ({@link #TILE8}; cut columns through
         * {@link GemmMicroKernel#edge8}).
         */
        private int sweepDirectA(int rs, int re, int nc, int kc, int pc, float[] pb, GemmWorkspace ws, int co,
                                 float betaSlice) {
            float[] src = a;
            int base = aOff + pc * (transA ? lda : 1); // element (r, p) at base + r·rowStride + p·kStride
            int rowStride = transA ? 1 : lda;
            int kStride = transA ? lda : 1;
            int end = rs + (re - rs) / MR * MR;
            int padded = roundUp(re - rs, MR);
            boolean conflicts = lda >= RESTRIDE_MIN_LDA || lda >= RESTRIDE_NARROW_LDA && nc >= RESTRIDE_MIN_TILES * NR;
            if (transA && conflicts && (long) kc * (padded + LANES) <= RESTRIDE_MAX_FLOATS) {
                // Each k step of a transposed A reads a new row of A, lda floats on: at 1,024 floats
                // (4 KiB) they all fall in one L1 set. Copy the slice with a short stride first; the
                // copy's rows are padded to a whole tile (the padding's products are discarded).
                int ld2 = padded + LANES;
                src = ws.copyA(kc * ld2);
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, base + p * lda + rs, src, p * ld2, re - rs);
                }
                base = -rs;
                kStride = ld2;
                end = re;
            }
            boolean eightRows = TILE8 && (re - rs) % 8 == 0;
            int tileRows = eightRows ? 8 : MR;
            int stop = eightRows ? re : end;
            boolean strips = rowStride != 1; // a row-major A: see the method comment
            float[] ta = strips ? ws.packA : src;
            int trs = strips ? A_STRIDE : rowStride;
            int tks = strips ? 1 : kStride;
            for (int ir = rs; ir < stop; ir += tileRows) {
                int rows = Math.min(tileRows, stop - ir); // fewer than MR only in a copy, which is padded
                int at = base + ir * rowStride;
                if (strips) {
                    GemmPacking.copyRows(src, at, rowStride, rows, kc, ws.packA);
                    at = 0;
                }
                for (int jr = 0; jr < nc; jr += NR) {
                    registerTile(eightRows, rows, Math.min(NR, nc - jr), kc, ta, at, trs, tks, pb, jr * kc, ws,
                            co + ir * ldc + jr, betaSlice);
                }
            }
            return stop;
        }

        /**
         * All register tiles of one packed A block × one packed B panel, in 8-row tiles when the
         * block's rows allow ({@link #TILE8}). The B micro-panel is the outer loop so it stays in L1
         * while every A micro-panel passes it.
         */
        private void sweep(int mc, int nc, int kc, float[] pb, GemmWorkspace ws, int co, float betaSlice) {
            boolean eightRows = TILE8 && mc % 8 == 0;
            int tileRows = eightRows ? 8 : MR;
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                for (int ir = 0; ir < mc; ir += tileRows) {
                    registerTile(eightRows, Math.min(tileRows, mc - ir), cols, kc, ws.packA, ir * A_STRIDE, A_STRIDE, 1,
                            pb, jr * kc, ws, co + ir * ldc + jr, betaSlice);
                }
            }
        }

        /**
         * One register tile of C at {@code ct}: 8 rows ({@link GemmMicroKernel#tile8}) or MR, or when
         * cut to {@code rows × cols} by the matrix edge, computed whole into the workspace's scratch
         * tile and added from there (A must then be readable for the tile's full rows).
         */
        private void registerTile(boolean eightRows, int rows, int cols, int kc, float[] pa, int ao, int rs, int ks,
                                  float[] pb, int bo, GemmWorkspace ws, int ct, float betaSlice) {
            if (rows == (eightRows ? 8 : MR) && cols == NR) {
                if (eightRows) {
                    GemmMicroKernel.tile8(kc, pa, ao, rs, ks, pb, bo, c, ct, ldc, betaSlice);
                } else {
                    GemmMicroKernel.tile(kc, pa, ao, rs, ks, pb, bo, c, ct, ldc, betaSlice);
                }
            } else if (eightRows) {
                GemmMicroKernel.edge8(kc, pa, ao, rs, ks, pb, bo, ws.tile, cols, c, ct, ldc, betaSlice);
            } else {
                GemmMicroKernel.edge(kc, pa, ao, rs, ks, pb, bo, ws.tile, rows, cols, c, ct, ldc, betaSlice);
            }
        }
    }

    /**
     * The {@code rows × cols} grid of parts a product's output is cut into over the pool. Each part
     * runs the whole blocked loop on its own, so it packs all k of its rows of A and of its columns
     * of B: A is packed {@code cols} times and B {@code rows} times.
     */
    record Grid(int rows, int cols) {
        /**
         * As many parts as the tiles allow, at most {@code threads}, and among those the grid that
         * packs the least, {@code cols·m + rows·n} (on a tie, more rows: a row-major B packs cheaper).
         * On 2 threads that cuts the larger dimension in two; on 16 a square product in 4 × 4 parts,
         * which pack 8 copies of an operand's size where 16 × 1 parts packed 17.
         */
        static Grid choose(int threads, int m, int n, int rowTiles, int colTiles) {
            Grid best = new Grid(1, 1);
            long bestCost = Long.MAX_VALUE;
            for (int r = 1; r <= Math.min(threads, rowTiles); r++) {
                Grid g = new Grid(r, Math.min(threads / r, colTiles));
                long cost = (long) g.cols * m + (long) r * n;
                if (g.parts() > best.parts() || (g.parts() == best.parts() && cost <= bestCost)) {
                    best = g;
                    bestCost = cost;
                }
            }
            return best;
        }

        int parts() {
            return rows * cols;
        }
    }

    /** Start, in tiles, of part {@code i} of {@code parts} over {@code tiles} tiles. */
    private static int cut(int tiles, int parts, int i) {
        return (int) ((long) tiles * i / parts);
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
