package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Parallel;
import java.lang.foreign.MemorySegment;

/**
 * The three products of a linear layer with a CSR weight {@code W[rows × cols]} (values {@code v}
 * in the entry order of a {@link SparseIndex}) on row-major float32 arrays:
 * {@code Y = X·Wᵀ}, {@code dX = dY·W}, and {@code dW = (dYᵀ·X) ⊙ pattern(W)} (SDDMM).
 *
 * <p>Each call packs its dense operands into {@link SparsePanel panels}, runs a {@link CsrKernel}
 * over row ranges on the shared {@link Parallel} pool, and unpacks. A panel the kernel gathers rows
 * from is packed before the sweep; one that a task reads or writes only at the rows of its own range
 * (the output, and the sweep's own row of an SDDMM) is packed or unpacked by that task, on the core
 * that uses it ({@link SparsePanel#copyOutRows}). The input gradient runs over
 * the index's column-major twin (its values gathered into that order), so no two tasks write the
 * same output row. {@link #backward} runs both backward products from one packed dY, in one sweep.
 * The shapes below are batch-major; with {@link BatchLayout#FEATURE_MAJOR} products every dense
 * operand is its transpose ({@code Yᵀ[rows × batch] = W·Xᵀ[cols × batch]}), the same numbers.
 */
public final class CsrProducts {
    /** Multiply-adds per parallel task, so small products stay on the calling thread. */
    private static final long GRAIN_FMAS = 1 << 16;
    /** Elements per parallel task of a permutation pass. */
    private static final int GRAIN_ELEMENTS = 1 << 16;

    private final CsrKernel kernel;
    private final BatchLayout layout;

    /** Products on batch-major operands. */
    public CsrProducts(CsrKernel kernel) {
        this(kernel, BatchLayout.BATCH_MAJOR);
    }

    /** Products whose dense operands (X, Y, dY, dX) are all in {@code layout}. */
    public CsrProducts(CsrKernel kernel, BatchLayout layout) {
        this.kernel = kernel;
        this.layout = layout;
    }

    /** Products on the kernel picked at start-up, batch-major. */
    public static CsrProducts active() {
        return Holder.ACTIVE;
    }

    /** Products on the kernel picked at start-up, operands in {@code layout}. */
    public static CsrProducts active(BatchLayout layout) {
        return layout == BatchLayout.BATCH_MAJOR ? Holder.ACTIVE : Holder.FEATURE_MAJOR;
    }

    /** {@code Y[batch × rows] = X[batch × cols]·Wᵀ} ({@code +=} when {@code accumulate}). Y must not alias X. */
    public void forward(SparseIndex w, float[] v, int vOff, int batch, float[] x, int xOff,
                        float[] y, int yOff, boolean accumulate) {
        forward(w, v, vOff, batch, x, xOff, y, yOff, accumulate, null);
    }

    /**
     * {@link #forward(SparseIndex, float[], int, int, float[], int, float[], int, boolean)} with each
     * output row finished by {@code e} as it is written ({@link CsrKernel#addRows}; none when null):
     * feature-major products only.
     */
    public void forward(SparseIndex w, float[] v, int vOff, int batch, float[] x, int xOff,
                        float[] y, int yOff, boolean accumulate, RowEpilogue e) {
        SparseChecks.values("csr forward", v, vOff, w.entries());
        SparseChecks.matrix("csr forward", "x", x, xOff, batch, w.minors);
        SparseChecks.matrix("csr forward", "y", y, yOff, batch, w.majors);
        checkEpilogue("csr forward", e, w.majors);
        int ld = SparsePanel.width(batch);
        try (SparseScratch scratch = SparseScratch.acquire()) {
            MemorySegment xp = scratch.first(SparsePanel.size(w.minors, batch));
            MemorySegment yp = scratch.second(SparsePanel.size(w.majors, batch));
            layout.pack(x, xOff, batch, w.minors, xp, ld);
            Parallel.forRange(w.majors, grain(w, ld), (from, to) -> {
                kernel.spmm(from, to, w.ptr, w.idx, v, vOff, xp, yp, ld);
                unpackRows(yp, ld, batch, w.majors, y, yOff, accumulate, e, from, to);
            });
        }
    }

    /** {@code dX[batch × cols] = dY[batch × rows]·W} ({@code +=} when {@code accumulate}). */
    public void inputGrad(SparseIndex w, float[] v, int vOff, int batch, float[] dy, int dyOff,
                          float[] dx, int dxOff, boolean accumulate) {
        inputGrad(w, v, vOff, batch, dy, dyOff, dx, dxOff, accumulate, null);
    }

    /**
     * {@link #inputGrad(SparseIndex, float[], int, int, float[], int, float[], int, boolean)} with
     * each row of dX finished by {@code e} as it is written (none when null), feature-major products
     * only: the forward product of a layer that keeps its weight transposed ({@code Y = X·T} is
     * {@code inputGrad} with T), ending the layer.
     */
    public void inputGrad(SparseIndex w, float[] v, int vOff, int batch, float[] dy, int dyOff,
                          float[] dx, int dxOff, boolean accumulate, RowEpilogue e) {
        backward(w, v, vOff, batch, dy, dyOff, null, 0, dx, dxOff, accumulate, e, null, 0, false);
    }

    /**
     * {@code dv[dvOff + p] = Σ_b dY[b, row(p)]·X[b, col(p)]} for every stored entry p: the weight
     * gradient sampled at the pattern, in value order ({@code +=} when {@code accumulate}).
     */
    public void weightGrad(SparseIndex w, int batch, float[] dy, int dyOff, float[] x, int xOff,
                           float[] dv, int dvOff, boolean accumulate) {
        backward(w, null, 0, batch, dy, dyOff, x, xOff, null, 0, false, dv, dvOff, accumulate);
    }

    /**
     * Both backward products, {@link #inputGrad} into dx and {@link #weightGrad} into dv, from one
     * transpose of dY into its panel instead of two (each {@code O(batch·rows)}, against
     * {@code O(batch·nnz)} for a product), and with both wanted in one sweep that streams each dY row
     * once for both ({@link CsrKernel#spmmSddmm}; the same results as the two separate calls). A null
     * dx skips the input gradient (v is then not read), a null dv the weight gradient (x is then not
     * read).
     */
    public void backward(SparseIndex w, float[] v, int vOff, int batch, float[] dy, int dyOff, float[] x, int xOff,
                         float[] dx, int dxOff, boolean accumulateDx, float[] dv, int dvOff, boolean accumulateDv) {
        backward(w, v, vOff, batch, dy, dyOff, x, xOff, dx, dxOff, accumulateDx, null, dv, dvOff, accumulateDv);
    }

    /** {@link #backward}, dX's rows finished by {@code e} when not null. */
    private void backward(SparseIndex w, float[] v, int vOff, int batch, float[] dy, int dyOff, float[] x, int xOff,
                          float[] dx, int dxOff, boolean accumulateDx, RowEpilogue e,
                          float[] dv, int dvOff, boolean accumulateDv) {
        if (dx != null) {
            SparseChecks.values("csr input-grad", v, vOff, w.entries());
            SparseChecks.matrix("csr input-grad", "dy", dy, dyOff, batch, w.majors);
            SparseChecks.matrix("csr input-grad", "dx", dx, dxOff, batch, w.minors);
            checkEpilogue("csr input-grad", e, w.minors);
        }
        if (dv != null) {
            SparseChecks.matrix("csr weight-grad", "dy", dy, dyOff, batch, w.majors);
            SparseChecks.matrix("csr weight-grad", "x", x, xOff, batch, w.minors);
            SparseChecks.values("csr weight-grad", dv, dvOff, w.entries());
        }
        int ld = SparsePanel.width(batch);
        try (SparseScratch scratch = SparseScratch.acquire()) {
            MemorySegment dyp = scratch.first(SparsePanel.size(w.majors, batch));
            if (dx != null) {
                layout.pack(dy, dyOff, batch, w.majors, dyp, ld);
                columnSweep(w, v, vOff, batch, dyp, scratch, x, xOff, dx, dxOff, accumulateDx, e, dv, dvOff,
                        accumulateDv);
            } else if (dv != null) {
                weightGradPacked(w, batch, dy, dyOff, dyp, scratch, x, xOff, dv, dvOff, accumulateDv);
            }
        }
    }

    /**
     * The backward products of {@code Y[batch × minors] = X[batch × majors]·T} for a CSR weight T
     * (the forward product is {@link #inputGrad} with T): {@code dX[batch × majors] = dY·Tᵀ} into dx
     * and {@code dv[dvOff + p] = Σ_b X[b, row(p)]·dY[b, col(p)]} into dv, either null for "not
     * wanted". Both wanted: one sweep over T's rows ({@link CsrKernel#spmmSddmm}) that reads the
     * values in place and writes the dot products in value order, where {@link #backward} of
     * {@code W = Tᵀ} gathers both from and to column order; the same results as {@link #forward} and
     * {@link #weightGrad} on T. Why: a layer keeping its weight as T (its values in W's column
     * order) moves the value gather to its forward pass and has no dot-product gather at all.
     */
    public void transposedBackward(SparseIndex t, float[] v, int vOff, int batch, float[] dy, int dyOff,
                                   float[] x, int xOff, float[] dx, int dxOff, boolean accumulateDx,
                                   float[] dv, int dvOff, boolean accumulateDv) {
        if (dv == null) {
            if (dx != null) {
                forward(t, v, vOff, batch, dy, dyOff, dx, dxOff, accumulateDx);
            }
            return;
        }
        if (dx == null) {
            weightGrad(t, batch, x, xOff, dy, dyOff, dv, dvOff, accumulateDv);
            return;
        }
        SparseChecks.values("csr transposed backward", v, vOff, t.entries());
        SparseChecks.matrix("csr transposed backward", "dy", dy, dyOff, batch, t.minors);
        SparseChecks.matrix("csr transposed backward", "x", x, xOff, batch, t.majors);
        SparseChecks.matrix("csr transposed backward", "dx", dx, dxOff, batch, t.majors);
        SparseChecks.values("csr transposed backward", dv, dvOff, t.entries());
        int ld = SparsePanel.width(batch);
        try (SparseScratch scratch = SparseScratch.acquire()) {
            MemorySegment dyp = scratch.first(SparsePanel.size(t.minors, batch));
            MemorySegment dxp = scratch.second(SparsePanel.size(t.majors, batch));
            MemorySegment xp = scratch.third(SparsePanel.size(t.majors, batch));
            layout.pack(dy, dyOff, batch, t.minors, dyp, ld);
            float[] dots = accumulateDv ? scratch.dots(t.entries()) : dv;
            int dotsOff = accumulateDv ? 0 : dvOff;
            Parallel.forRange(t.majors, grain(t, ld), (from, to) -> {
                layout.packRows(x, xOff, batch, t.majors, xp, ld, from, to);
                kernel.spmmSddmm(from, to, t.ptr, t.idx, v, vOff, dyp, xp, dxp, ld, dots, dotsOff);
                layout.unpackRows(dxp, ld, batch, t.majors, dx, dxOff, accumulateDx, from, to);
            });
            if (accumulateDv) {
                for (int p = 0; p < t.entries(); p++) {
                    dv[dvOff + p] += dots[p];
                }
            }
        }
    }

    /**
     * {@link #inputGrad} from dY's panel over the column-major index, and with a non-null dv the
     * weight gradient in the same sweep ({@link CsrKernel#spmmSddmm}, each entry's dY row read once
     * for both). The dX panel in {@code scratch.second}, the X panel in {@code scratch.third}; dX's rows
     * finished by {@code e} when not null.
     */
    private void columnSweep(SparseIndex w, float[] v, int vOff, int batch, MemorySegment dyp, SparseScratch scratch,
                             float[] x, int xOff, float[] dx, int dxOff, boolean accumulateDx, RowEpilogue e,
                             float[] dv, int dvOff, boolean accumulateDv) {
        int ld = SparsePanel.width(batch);
        MemorySegment dxp = scratch.second(SparsePanel.size(w.minors, batch));
        float[] vt = scratch.values(w.entries());
        MemorySegment xp = dv == null ? null : scratch.third(SparsePanel.size(w.minors, batch));
        float[] dots = dv == null ? null : scratch.dots(w.entries());
        SparseIndex.Transposed t = w.transposed(dv == null ? "csr input-grad" : "csr backward");
        int[] tPtr = t.tPtr;
        int[] tIdx = t.tIdx;
        int[] tPerm = t.tPerm;
        Parallel.forRange(w.minors, grain(w, ld), (from, to) -> {
            // The values in column order first: a gather inside the kernel's loop stalled each
            // entry's FMAs on a cache miss (input gradient 0.95 against 0.38 ms per forward pass
            // inside a G2GNet step).
            kernel.gather(v, vOff, tPerm, tPtr[from], tPtr[to], vt, 0);
            if (dots == null) {
                kernel.spmm(from, to, tPtr, tIdx, vt, 0, dyp, dxp, ld);
            } else {
                layout.packRows(x, xOff, batch, w.minors, xp, ld, from, to);
                kernel.spmmSddmm(from, to, tPtr, tIdx, vt, 0, dyp, xp, dxp, ld, dots, 0);
            }
            unpackRows(dxp, ld, batch, w.minors, dx, dxOff, accumulateDx, e, from, to);
        });
        if (dots != null) {
            // The dot products back to row order as a gather: scattering them from the sweep, one
            // random store per entry into a megabyte of dv, cost the step ~5 % (JFR).
            int[] tPos = t.tPos;
            Parallel.forRange(w.entries(), GRAIN_ELEMENTS, (from, to) -> {
                if (!accumulateDv) {
                    kernel.gather(dots, 0, tPos, from, to, dv, dvOff);
                    return;
                }
                for (int p = from; p < to; p++) {
                    dv[dvOff + p] += dots[tPos[p]];
                }
            });
        }
    }

    /**
     * {@link #weightGrad} into dyp (dY's panel, which each task fills with the rows it reads) and
     * {@code scratch.second} (the X panel, gathered from by every task, so packed first).
     */
    private void weightGradPacked(SparseIndex w, int batch, float[] dy, int dyOff, MemorySegment dyp, SparseScratch scratch,
                                  float[] x, int xOff, float[] dv, int dvOff, boolean accumulate) {
        int ld = SparsePanel.width(batch);
        MemorySegment xp = scratch.second(SparsePanel.size(w.minors, batch));
        layout.pack(x, xOff, batch, w.minors, xp, ld);
        Parallel.forRange(w.majors, grain(w, ld), (from, to) -> {
            layout.packRows(dy, dyOff, batch, w.majors, dyp, ld, from, to);
            kernel.sddmm(from, to, w.ptr, w.idx, dyp, xp, ld, dv, dvOff, accumulate);
        });
    }

    /** {@link BatchLayout#unpackRows}, or with an epilogue {@link CsrKernel#addRows}. */
    private void unpackRows(MemorySegment p, int ld, int batch, int features, float[] a, int off, boolean accumulate,
                            RowEpilogue e, int f0, int f1) {
        if (e == null) {
            layout.unpackRows(p, ld, batch, features, a, off, accumulate, f0, f1);
        } else {
            kernel.addRows(p, ld, batch, f0, f1, a, off, accumulate, e);
        }
    }

    /** A row epilogue needs feature-major outputs (rows of the output are its rows) and a bias per output row. */
    private void checkEpilogue(String op, RowEpilogue e, int rows) {
        if (e == null) {
            return;
        }
        if (layout != BatchLayout.FEATURE_MAJOR) {
            throw new IllegalArgumentException(op + ": a row epilogue needs feature-major operands, got " + layout);
        }
        if (e.bias() != null && (e.biasOff() < 0 || e.biasOff() > e.bias().length - rows)) {
            throw new IllegalArgumentException(op + ": bias of " + e.bias().length + " floats from offset "
                    + e.biasOff() + " is too short for " + rows + " output rows");
        }
    }

    private static int grain(SparseIndex w, int ld) {
        // NOTE: ld = 0 for an empty batch; the max keeps the division defined.
        long perRow = Math.max(1, ((long) w.entries() / Math.max(1, w.majors) + 1) * ld);
        return (int) Math.max(1, GRAIN_FMAS / perRow);
    }

    private static final class Holder {
        static final CsrProducts ACTIVE = new CsrProducts(CsrKernel.active());
        static final CsrProducts FEATURE_MAJOR = new CsrProducts(CsrKernel.active(), BatchLayout.FEATURE_MAJOR);
    }
}
