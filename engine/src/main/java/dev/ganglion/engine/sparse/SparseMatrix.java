package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;

/**
 * A sparse weight {@code W[rows × cols]}: an immutable pattern plus a live values tensor (float32 or
 * float64, contiguous) that optimizers may update in place. Products with dense batches are in
 * {@link SparseOps}: {@code Y = X·Wᵀ}, {@code dX = dY·W}, {@code dW = (dYᵀ·X) ⊙ pattern(W)}.
 *
 * <p>The formats: {@link BlockDiagonal} ({@code G} dense diagonal blocks), {@link Bsr} (any pattern
 * of {@code r×c} blocks) and {@link Csr} (any pattern of elements).
 */
public sealed interface SparseMatrix permits BlockDiagonal, Bsr, Csr {
    /** Output features (rows of W). */
    int rows();

    /** Input features (columns of W). */
    int cols();

    /** Stored entries, explicit zeros included: {@code values().size()}. */
    int nnz();

    /** {@code nnz / (rows·cols)} (0 for an empty matrix). */
    default double density() {
        long all = (long) rows() * cols();
        return all == 0 ? 0 : (double) nnz() / all;
    }

    /**
     * The stored values, shared, not copied: writes through it (followed by
     * {@link Tensor#markWritten()}) change this matrix. Layout is per format.
     */
    Tensor values();

    /** Dtype of the values. */
    default DType dtype() {
        return values().dtype();
    }

    /** The same pattern over other values (same shape; shared, not copied), e.g. a gradient. */
    SparseMatrix withValues(Tensor values);

    /**
     * Calls {@code visitor} once per stored entry with its row, column and flat position in
     * {@link #values()}, in row order.
     */
    void forEachEntry(EntryVisitor visitor);

    /** Receives one stored entry. */
    @FunctionalInterface
    interface EntryVisitor {
        /**
         * One stored entry: {@code W[row, col]} sits at flat position {@code valueIndex} of
         * {@link SparseMatrix#values()}.
         */
        void accept(int row, int col, int valueIndex);
    }

    /** {@code W} as a dense {@code [rows, cols]} tensor of the values' dtype (zeros off the pattern). */
    default Tensor toDense() {
        return SparseDense.toDense(this);
    }

    /** The pattern as a float32 {@code [rows, cols]} tensor: 1 where an entry is stored, else 0. */
    default Tensor patternMask() {
        return SparseDense.patternMask(this);
    }
}
