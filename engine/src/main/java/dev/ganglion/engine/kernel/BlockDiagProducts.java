package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Parallel;

/**
 * The three products of a linear layer with a block-diagonal weight on row-major float32 arrays:
 * {@code W = diag(W₀ … W_{G−1})}, each {@code W_g} of {@code ob×ib} stored row-major at
 * {@code wOff + g·ob·ib}; {@code X[batch × G·ib]}, {@code Y[batch × G·ob]}.
 * <ul>
 *   <li>forward {@code Y[:, g] = X[:, g]·W_gᵀ},</li>
 *   <li>input gradient {@code dX[:, g] = dY[:, g]·W_g},</li>
 *   <li>weight gradient {@code dW_g = dY[:, g]ᵀ·X[:, g]} (only the blocks: never a dense out×in matrix).</li>
 * </ul>
 * Every block is one call of the {@link GemmKernel} with offsets and leading dimensions (no copies),
 * so the products run at the GEMM's rate and time falls linearly with the number of blocks. Blocks
 * are spread over the shared {@link Parallel} pool; the GEMM splits a large block further itself.
 *
 * <p>With {@link BatchLayout#FEATURE_MAJOR} operands ({@code Xᵀ[G·ib × batch]},
 * {@code Yᵀ[G·ob × batch]}) the same products are {@code Yᵀ[g] = W_g·Xᵀ[g]},
 * {@code dXᵀ[g] = W_gᵀ·dYᵀ[g]} and {@code dW_g = dYᵀ[g]·Xᵀ[g]ᵀ}, each block a run of whole rows.
 */
public final class BlockDiagProducts {
    /** Flops per parallel task, so small products stay on the calling thread. */
    private static final long GRAIN_FLOPS = 1L << 18;

    private final GemmKernel gemm;
    private final BatchLayout layout;

    /** Products on batch-major operands. */
    public BlockDiagProducts(GemmKernel gemm) {
        this(gemm, BatchLayout.BATCH_MAJOR);
    }

    /** Products whose dense operands (X, Y, dY, dX) are all in {@code layout}. */
    public BlockDiagProducts(GemmKernel gemm, BatchLayout layout) {
        this.gemm = gemm;
        this.layout = layout;
    }

    /** Products on {@link GemmKernel#active()}, batch-major. */
    public static BlockDiagProducts active() {
        return Holder.ACTIVE;
    }

    /** Products on {@link GemmKernel#active()}, operands in {@code layout}. */
    public static BlockDiagProducts active(BatchLayout layout) {
        return layout == BatchLayout.BATCH_MAJOR ? Holder.ACTIVE : Holder.FEATURE_MAJOR;
    }

    /** {@code Y = X·Wᵀ} per block ({@code +=} when {@code accumulate}). Y must not alias X or W. */
    public void forward(int blocks, int ob, int ib, float[] w, int wOff, int batch, float[] x, int xOff,
                        float[] y, int yOff, boolean accumulate) {
        check("blockdiag forward", blocks, ob, ib, w, wOff);
        SparseChecks.matrix("blockdiag forward", "x", x, xOff, batch, blocks * ib);
        SparseChecks.matrix("blockdiag forward", "y", y, yOff, batch, blocks * ob);
        Operand wg = weights(w, wOff, ob, ib);
        Operand xg = batchOperand(x, xOff, ib, blocks, batch);
        Operand yg = batchOperand(y, yOff, ob, blocks, batch);
        if (layout == BatchLayout.FEATURE_MAJOR) { // Yᵀ[g] = W_g·Xᵀ[g]
            perBlock(blocks, false, false, ob, batch, ib, wg, xg, accumulate, yg);
        } else { // Y[:, g] = X[:, g]·W_gᵀ
            perBlock(blocks, false, true, batch, ob, ib, xg, wg, accumulate, yg);
        }
    }

    /** {@code dX = dY·W} per block ({@code +=} when {@code accumulate}). dX must not alias dY or W. */
    public void inputGrad(int blocks, int ob, int ib, float[] w, int wOff, int batch, float[] dy, int dyOff,
                          float[] dx, int dxOff, boolean accumulate) {
        check("blockdiag input-grad", blocks, ob, ib, w, wOff);
        SparseChecks.matrix("blockdiag input-grad", "dy", dy, dyOff, batch, blocks * ob);
        SparseChecks.matrix("blockdiag input-grad", "dx", dx, dxOff, batch, blocks * ib);
        Operand wg = weights(w, wOff, ob, ib);
        Operand dyg = batchOperand(dy, dyOff, ob, blocks, batch);
        Operand dxg = batchOperand(dx, dxOff, ib, blocks, batch);
        if (layout == BatchLayout.FEATURE_MAJOR) { // dXᵀ[g] = W_gᵀ·dYᵀ[g]
            perBlock(blocks, true, false, ib, batch, ob, wg, dyg, accumulate, dxg);
        } else { // dX[:, g] = dY[:, g]·W_g
            perBlock(blocks, false, false, batch, ib, ob, dyg, wg, accumulate, dxg);
        }
    }

    /** {@code dW_g = dY[:, g]ᵀ·X[:, g]} into the block values ({@code +=} when {@code accumulate}). */
    public void weightGrad(int blocks, int ob, int ib, int batch, float[] dy, int dyOff, float[] x, int xOff,
                           float[] dw, int dwOff, boolean accumulate) {
        check("blockdiag weight-grad", blocks, ob, ib, dw, dwOff);
        SparseChecks.matrix("blockdiag weight-grad", "dy", dy, dyOff, batch, blocks * ob);
        SparseChecks.matrix("blockdiag weight-grad", "x", x, xOff, batch, blocks * ib);
        Operand dwg = weights(dw, dwOff, ob, ib);
        Operand dyg = batchOperand(dy, dyOff, ob, blocks, batch);
        Operand xg = batchOperand(x, xOff, ib, blocks, batch);
        if (layout == BatchLayout.FEATURE_MAJOR) { // dW_g = dYᵀ[g]·Xᵀ[g]ᵀ
            perBlock(blocks, false, true, ob, ib, batch, dyg, xg, accumulate, dwg);
        } else { // dW_g = dY[:, g]ᵀ·X[:, g]
            perBlock(blocks, true, false, ob, ib, batch, dyg, xg, accumulate, dwg);
        }
    }

    /** Block g's matrix of a GEMM operand: {@code a[off + g·step …]}, leading dimension {@code ld}. */
    private record Operand(float[] a, int off, int step, int ld) {
        int at(int g) {
            return off + g * step;
        }
    }

    /** The {@code ob×ib} weight blocks, stored one after another. */
    private static Operand weights(float[] w, int off, int ob, int ib) {
        return new Operand(w, off, ob * ib, ib);
    }

    /** A batch operand (X, Y, dY or dX) of {@code width} features per block, in this product's layout. */
    private Operand batchOperand(float[] a, int off, int width, int blocks, int batch) {
        return layout == BatchLayout.FEATURE_MAJOR ? new Operand(a, off, width * batch, batch)
                : new Operand(a, off, width, blocks * width);
    }

    /**
     * {@code C_g = op(A_g)·op(B_g) (+ C_g)} for every block g, one GEMM call each, over the pool; one
     * after another where the shape may run on a device ({@link RoutedGemm#mayOffload}).
     */
    private void perBlock(int blocks, boolean transA, boolean transB, int m, int n, int k, Operand a, Operand b,
                          boolean accumulate, Operand c) {
        float beta = accumulate ? 1f : 0f;
        BlockBody body = g -> gemm.gemm(transA, transB, m, n, k, 1f,
                a.a(), a.at(g), a.ld(), b.a(), b.at(g), b.ld(), beta, c.a(), c.at(g), c.ld());
        if (gemm instanceof RoutedGemm r && r.mayOffload(transA, transB, m, n, k, accumulate, blocks)) {
            for (int g = 0; g < blocks; g++) {   // a device runs them one at a time anyway
                body.run(g);
            }
        } else {
            overBlocks(blocks, 2L * m * n * k, body);
        }
    }

    @FunctionalInterface
    private interface BlockBody {
        void run(int block);
    }

    /**
     * Runs {@code body} for every block, the blocks spread over the pool.
     * NOTE: no row panels: splitting a block's rows would make each GEMM call pack the block's
     * other operand again; a block big enough to need more than one thread is big enough for the
     * GEMM to split it across the pool itself, and small blocks are many.
     */
    private static void overBlocks(int blocks, long flopsPerBlock, BlockBody body) {
        int grain = (int) Math.max(1, Math.min(blocks, GRAIN_FLOPS / Math.max(1, flopsPerBlock)));
        Parallel.forRange(blocks, grain, (from, to) -> {
            for (int g = from; g < to; g++) {
                body.run(g);
            }
        });
    }

    private static void check(String op, int blocks, int ob, int ib, float[] w, int wOff) {
        if (blocks < 1 || ob < 0 || ib < 0) {
            throw new IllegalArgumentException(op + ": " + blocks + " blocks of " + ob + "×" + ib
                    + ": need at least one block and non-negative block sizes");
        }
        SparseChecks.values(op, w, wOff, (long) blocks * ob * ib);
    }

    private static final class Holder {
        static final BlockDiagProducts ACTIVE = new BlockDiagProducts(GemmKernel.active());
        static final BlockDiagProducts FEATURE_MAJOR = new BlockDiagProducts(GemmKernel.active(), BatchLayout.FEATURE_MAJOR);
    }
}
