package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Parallel;
import java.lang.foreign.MemorySegment;

/**
 * The three products of a linear layer with a block-sparse-row weight {@code W[rows × cols]} of
 * {@code r×c} blocks (block structure in a {@link SparseIndex} over {@code rows/r × cols/c} blocks,
 * block values row-major in entry order) on row-major float32 arrays:
 * {@code Y = X·Wᵀ}, {@code dX = dY·W}, {@code dW = (dYᵀ·X) ⊙ pattern(W)} (block SDDMM).
 *
 * <p>Each call packs its dense operands into {@link SparsePanel panels}, runs a {@link BsrKernel}
 * over block-row (or, for the input gradient, block-column) ranges on the shared {@link Parallel}
 * pool, and unpacks; no two tasks write the same output. {@link #backward} runs both backward
 * products from one packed dY. The shapes below are batch-major; with
 * {@link BatchLayout#FEATURE_MAJOR} products every dense operand is its transpose, the same numbers.
 */
public final class BsrProducts {
    /** Multiply-adds per parallel task, so small products stay on the calling thread. */
    private static final long GRAIN_FMAS = 1 << 16;

    private final BsrKernel kernel;
    private final BatchLayout layout;

    /** Products on batch-major operands. */
    public BsrProducts(BsrKernel kernel) {
        this(kernel, BatchLayout.BATCH_MAJOR);
    }

    /** Products whose dense operands (X, Y, dY, dX) are all in {@code layout}. */
    public BsrProducts(BsrKernel kernel, BatchLayout layout) {
        this.kernel = kernel;
        this.layout = layout;
    }

    /** Products on the kernel picked at start-up, batch-major. */
    public static BsrProducts active() {
        return Holder.ACTIVE;
    }

    /** Products on the kernel picked at start-up, operands in {@code layout}. */
    public static BsrProducts active(BatchLayout layout) {
        return layout == BatchLayout.BATCH_MAJOR ? Holder.ACTIVE : Holder.FEATURE_MAJOR;
    }

    /** {@code Y[batch × rows] = X[batch × cols]·Wᵀ} ({@code +=} when {@code accumulate}). Y must not alias X. */
    public void forward(SparseIndex w, int r, int c, float[] v, int vOff, int batch, float[] x, int xOff,
                        float[] y, int yOff, boolean accumulate) {
        String op = "bsr forward";
        SparseChecks.blockShape(op, r, c);
        SparseChecks.values(op, v, vOff, (long) w.entries() * r * c);
        SparseChecks.matrix(op, "x", x, xOff, batch, w.minors * c);
        SparseChecks.matrix(op, "y", y, yOff, batch, w.majors * r);
        int ld = SparsePanel.width(batch);
        try (SparseScratch scratch = SparseScratch.acquire()) {
            MemorySegment xp = scratch.first(SparsePanel.size(w.minors * c, batch));
            MemorySegment yp = scratch.second(SparsePanel.size(w.majors * r, batch));
            layout.pack(x, xOff, batch, w.minors * c, xp, ld);
            Parallel.forRange(w.majors, grain(w, w.majors, r * c, ld), (from, to) -> {
                kernel.spmm(from, to, w.ptr, w.idx, null, r, c, c, 1, v, vOff, xp, yp, ld);
                layout.unpackRows(yp, ld, batch, w.majors * r, y, yOff, accumulate, from * r, to * r);
            });
        }
    }

    /** {@code dX[batch × cols] = dY[batch × rows]·W} ({@code +=} when {@code accumulate}). */
    public void inputGrad(SparseIndex w, int r, int c, float[] v, int vOff, int batch, float[] dy, int dyOff,
                          float[] dx, int dxOff, boolean accumulate) {
        backward(w, r, c, v, vOff, batch, dy, dyOff, null, 0, dx, dxOff, accumulate, null, 0, false);
    }

    /**
     * {@code dv[dvOff + p·r·c + i·c + j] = Σ_b dY[b, row(p)·r+i]·X[b, col(p)·c+j]} for every stored
     * block p: the weight gradient sampled at the block pattern ({@code +=} when {@code accumulate}).
     */
    public void weightGrad(SparseIndex w, int r, int c, int batch, float[] dy, int dyOff, float[] x, int xOff,
                           float[] dv, int dvOff, boolean accumulate) {
        backward(w, r, c, null, 0, batch, dy, dyOff, x, xOff, null, 0, false, dv, dvOff, accumulate);
    }

    /**
     * Both backward products, {@link #inputGrad} into dx and {@link #weightGrad} into dv, from one
     * transpose of dY into its panel instead of two. A null dx skips the input gradient (v is then
     * not read), a null dv the weight gradient (x is then not read).
     */
    public void backward(SparseIndex w, int r, int c, float[] v, int vOff, int batch, float[] dy, int dyOff,
                         float[] x, int xOff, float[] dx, int dxOff, boolean accumulateDx,
                         float[] dv, int dvOff, boolean accumulateDv) {
        if (dx != null) {
            String op = "bsr input-grad";
            SparseChecks.blockShape(op, r, c);
            SparseChecks.values(op, v, vOff, (long) w.entries() * r * c);
            SparseChecks.matrix(op, "dy", dy, dyOff, batch, w.majors * r);
            SparseChecks.matrix(op, "dx", dx, dxOff, batch, w.minors * c);
        }
        if (dv != null) {
            String op = "bsr weight-grad";
            SparseChecks.blockShape(op, r, c);
            SparseChecks.matrix(op, "dy", dy, dyOff, batch, w.majors * r);
            SparseChecks.matrix(op, "x", x, xOff, batch, w.minors * c);
            SparseChecks.values(op, dv, dvOff, (long) w.entries() * r * c);
        }
        int ld = SparsePanel.width(batch);
        try (SparseScratch scratch = SparseScratch.acquire()) {
            MemorySegment dyp = scratch.first(SparsePanel.size(w.majors * r, batch));
            layout.pack(dy, dyOff, batch, w.majors * r, dyp, ld);
            if (dx != null) {
                SparseIndex.Transposed t = w.transposed("bsr input-grad");
                MemorySegment dxp = scratch.second(SparsePanel.size(w.minors * c, batch));
                Parallel.forRange(w.minors, grain(w, w.minors, r * c, ld), (from, to) -> {
                    kernel.spmm(from, to, t.tPtr, t.tIdx, t.tPerm, c, r, 1, c, v, vOff, dyp, dxp, ld);
                    layout.unpackRows(dxp, ld, batch, w.minors * c, dx, dxOff, accumulateDx, from * c, to * c);
                });
            }
            if (dv != null) {
                MemorySegment xp = scratch.second(SparsePanel.size(w.minors * c, batch));
                layout.pack(x, xOff, batch, w.minors * c, xp, ld);
                Parallel.forRange(w.majors, grain(w, w.majors, r * c, ld), (from, to) ->
                        kernel.sddmm(from, to, w.ptr, w.idx, r, c, dyp, xp, ld, dv, dvOff, accumulateDv));
            }
        }
    }

    private static int grain(SparseIndex w, int lines, int blockSize, int ld) {
        // NOTE: ld = 0 for an empty batch; the max keeps the division defined.
        long perLine = Math.max(1, ((long) w.entries() / Math.max(1, lines) + 1) * blockSize * ld);
        return (int) Math.max(1, GRAIN_FMAS / perLine);
    }

    private static final class Holder {
        static final BsrProducts ACTIVE = new BsrProducts(BsrKernel.active());
        static final BsrProducts FEATURE_MAJOR = new BsrProducts(BsrKernel.active(), BatchLayout.FEATURE_MAJOR);
    }
}
