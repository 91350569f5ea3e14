package dev.ganglion.engine.ops;

import dev.ganglion.engine.Tensor;

/**
 * The last two axes of a tensor seen as a BLAS operand: element (r, c) of the matrix at batch
 * offset {@code o} is {@code storage[o + r·ld + c]} ({@code trans = false}) or
 * {@code storage[o + c·ld + r]} ({@code trans = true}).
 *
 * <p>A row-major matrix and the transpose view of one (e.g. {@code w.mT()}) both map onto the
 * storage as they are; any other layout of the last two axes is copied to a contiguous tensor
 * first. Leading (batch) axes keep their strides, whatever they are.
 */
record MatrixOperand(Tensor tensor, boolean trans, int ld, int rows, int cols) {

    /** The operand for {@code t} (rank ≥ 2), copying only when its last two axes are not BLAS-compatible. */
    static MatrixOperand of(Tensor t) {
        MatrixOperand direct = direct(t);
        return direct != null ? direct : direct(t.contiguous());
    }

    /** The operand over {@code t}'s own storage, or null when its last two axes need a copy. */
    private static MatrixOperand direct(Tensor t) {
        int rows = t.dim(-2);
        int cols = t.dim(-1);
        // NOTE: the stride of an axis of size 1 never multiplies a non-zero index, so it is free:
        // normalise it, which lets [n, 1] columns and [1, n] rows of any view map directly.
        int sc = cols == 1 ? 1 : t.stride(-1);
        int sr = rows != 1 ? t.stride(-2) : sc == 1 ? cols : 1;
        if (rows == 0 || cols == 0) {
            return new MatrixOperand(t, false, Math.max(cols, 1), rows, cols);
        }
        if (sc == 1 && sr >= cols) {
            return new MatrixOperand(t, false, sr, rows, cols);
        }
        if (sr == 1 && sc >= rows) {
            return new MatrixOperand(t, true, sc, rows, cols);
        }
        return null;
    }

    /** This operand read transposed: the same storage, rows and columns swapped. */
    MatrixOperand transposed() {
        return new MatrixOperand(tensor, !trans, ld, cols, rows);
    }

    /** Rank of the underlying tensor. */
    int rank() {
        return tensor.rank();
    }
}
