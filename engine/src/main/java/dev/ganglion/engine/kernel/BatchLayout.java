package dev.ganglion.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * How a dense batch operand of the sparse products is laid out in its row-major array:
 * {@link #BATCH_MAJOR} {@code X[batch × features]} (PyTorch's, one sample per row) or
 * {@link #FEATURE_MAJOR} {@code Xᵀ[features × batch]} (one feature per row, the layout the
 * kernels compute in, {@link SparsePanel}).
 *
 * <p>Why both: between the layers of a sparse network, activations kept feature-major reach the
 * kernels' panels by a contiguous copy instead of a transpose (a {@code [128, 1,024]} operand: 9–10
 * µs against 30–45), and the block-diagonal GEMMs read them in place either way. A product reads
 * and writes every dense operand of one call (X, Y, dY, dX) in the same layout.
 */
public enum BatchLayout {
    /** {@code A[b·features + f]}: sample b's features contiguous. */
    BATCH_MAJOR,
    /** {@code A[f·batch + b]}: feature f's batch contiguous. */
    FEATURE_MAJOR;

    /** Fills panel {@code p} (row width {@code ld}) from {@code a} in this layout, 0 in the padding. */
    void pack(float[] a, int off, int batch, int features, MemorySegment p, int ld) {
        if (this == BATCH_MAJOR) {
            SparsePanel.pack(a, off, batch, features, p, ld);
        } else {
            SparsePanel.copyIn(a, off, batch, features, p, ld);
        }
    }

    /**
     * {@link #pack} of panel rows {@code [f0, f1)} only, on the calling thread: for a kernel task that
     * reads only those rows of the panel, so that they are packed by the core that reads them.
     */
    void packRows(float[] a, int off, int batch, int features, MemorySegment p, int ld, int f0, int f1) {
        if (this == BATCH_MAJOR) {
            SparsePanel.packRows(a, off, batch, features, p, ld, f0, f1);
        } else {
            SparsePanel.copyInRows(a, off, batch, p, ld, f0, f1);
        }
    }

    /**
     * Writes (or with {@code accumulate} adds) rows {@code [f0, f1)} of panel {@code p} into {@code a}
     * in this layout, on the calling thread: each kernel task unpacks the rows it computed, while they
     * are in its core's cache ({@link SparsePanel#copyOutRows}).
     */
    void unpackRows(MemorySegment p, int ld, int batch, int features, float[] a, int off, boolean accumulate,
                    int f0, int f1) {
        if (this == BATCH_MAJOR) {
            SparsePanel.unpackRows(p, ld, batch, features, a, off, accumulate, f0, f1);
        } else {
            SparsePanel.copyOutRows(p, ld, batch, a, off, accumulate, f0, f1);
        }
    }
}
