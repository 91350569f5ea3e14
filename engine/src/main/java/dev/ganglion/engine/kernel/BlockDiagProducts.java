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
 * so the products run at the GEMM's rate and time falls linearly with the number of blocks. Work is
 * cut into blocks × row panels and spread over the shared {@link Parallel} pool.
 */
public final class BlockDiagProducts {
    /** Flops per parallel task, so small products stay on the calling thread. */
    private static final long GRAIN_FLOPS = 1L << 18;

    /** Smallest row panel: smaller GEMM calls would spend more on packing than they save in balance. */
    private static final int MIN_PANEL_ROWS = 32;

    private final GemmKernel gemm;

    public BlockDiagProducts(GemmKernel gemm) {
        this.gemm = gemm;
    }

    /** Products on {@link GemmKernel#active()}. */
    public static BlockDiagProducts active() {
        return Holder.ACTIVE;
    }

    /** {@code Y = X·Wᵀ} per block ({@code +=} when {@code accumulate}). Y must not alias X or W. */
    public void forward(int blocks, int ob, int ib, float[] w, int wOff, int batch, float[] x, int xOff,
                        float[] y, int yOff, boolean accumulate) {
        check("blockdiag forward", blocks, ob, ib, w, wOff);
        SparseChecks.matrix("blockdiag forward", "x", x, xOff, batch, blocks * ib);
        SparseChecks.matrix("blockdiag forward", "y", y, yOff, batch, blocks * ob);
        int in = blocks * ib;
        int out = blocks * ob;
        float beta = accumulate ? 1f : 0f;
        overBlocksAndPanels(blocks, batch, (long) ob * ib, (g, m0, m1) ->
                gemm.gemm(false, true, m1 - m0, ob, ib, 1f,
                        x, xOff + m0 * in + g * ib, in,
                        w, wOff + g * ob * ib, ib,
                        beta, y, yOff + m0 * out + g * ob, out));
    }

    /** {@code dX = dY·W} per block ({@code +=} when {@code accumulate}). dX must not alias dY or W. */
    public void inputGrad(int blocks, int ob, int ib, float[] w, int wOff, int batch, float[] dy, int dyOff,
                          float[] dx, int dxOff, boolean accumulate) {
        check("blockdiag input-grad", blocks, ob, ib, w, wOff);
        SparseChecks.matrix("blockdiag input-grad", "dy", dy, dyOff, batch, blocks * ob);
        SparseChecks.matrix("blockdiag input-grad", "dx", dx, dxOff, batch, blocks * ib);
        int in = blocks * ib;
        int out = blocks * ob;
        float beta = accumulate ? 1f : 0f;
        overBlocksAndPanels(blocks, batch, (long) ob * ib, (g, m0, m1) ->
                gemm.gemm(false, false, m1 - m0, ib, ob, 1f,
                        dy, dyOff + m0 * out + g * ob, out,
                        w, wOff + g * ob * ib, ib,
                        beta, dx, dxOff + m0 * in + g * ib, in));
    }

    /** {@code dW_g = dY[:, g]ᵀ·X[:, g]} into the block values ({@code +=} when {@code accumulate}). */
    public void weightGrad(int blocks, int ob, int ib, int batch, float[] dy, int dyOff, float[] x, int xOff,
                           float[] dw, int dwOff, boolean accumulate) {
        check("blockdiag weight-grad", blocks, ob, ib, dw, dwOff);
        SparseChecks.matrix("blockdiag weight-grad", "dy", dy, dyOff, batch, blocks * ob);
        SparseChecks.matrix("blockdiag weight-grad", "x", x, xOff, batch, blocks * ib);
        int in = blocks * ib;
        int out = blocks * ob;
        float beta = accumulate ? 1f : 0f;
        // Row panels over the block's output rows here: each task owns rows of dW_g, sums over the whole batch.
        overBlocksAndPanels(blocks, ob, (long) batch * ib, (g, m0, m1) ->
                gemm.gemm(true, false, m1 - m0, ib, batch, 1f,
                        dy, dyOff + g * ob + m0, out,
                        x, xOff + g * ib, in,
                        beta, dw, dwOff + g * ob * ib + m0 * ib, ib));
    }

    @FunctionalInterface
    private interface PanelBody {
        void run(int block, int rowFrom, int rowTo);
    }

    /**
     * Runs {@code body} over blocks × row panels of {@code rows} rows; panels only when there are too
     * few blocks to keep every thread busy with a few tasks each.
     */
    private static void overBlocksAndPanels(int blocks, int rows, long fmasPerRow, PanelBody body) {
        if (rows == 0) {
            return;
        }
        int wanted = (Parallel.threads() + blocks - 1) / blocks;
        int panels = Math.max(1, Math.min(wanted, rows / MIN_PANEL_ROWS));
        int per = (rows + panels - 1) / panels;
        int tasks = blocks * panels;
        long flopsPerTask = 2 * fmasPerRow * per;
        int grain = (int) Math.max(1, Math.min(tasks, GRAIN_FLOPS / Math.max(1, flopsPerTask)));
        Parallel.forRange(tasks, grain, (from, to) -> {
            for (int t = from; t < to; t++) {
                int g = t / panels;
                int m0 = (t % panels) * per;
                int m1 = Math.min(rows, m0 + per);
                if (m0 < m1) {
                    body.run(g, m0, m1);
                }
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
    }
}
