package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;

/**
 * A block-diagonal weight {@code W = diag(W₀, …, W_{G−1})} of shape {@code rows × cols}, each
 * block {@code W_g} dense of {@code ob×ib = (rows/G)×(cols/G)} (square or rectangular), so that
 * {@code W[g·ob + i, g·ib + j] = W_g[i, j]} and every other entry is 0.
 *
 * <p>Values: a contiguous tensor of shape {@code [G, ob, ib]} (block g row-major at
 * {@code g·ob·ib}), shared with the caller and updatable in place; the structure is immutable.
 * Products ({@link SparseOps}) run each block through the GEMM kernel.
 */
public final class BlockDiagonal implements SparseMatrix {
    private final int blocks;
    private final int rows;
    private final int cols;
    private final Tensor values;

    private BlockDiagonal(int blocks, int rows, int cols, Tensor values) {
        this.blocks = blocks;
        this.rows = rows;
        this.cols = cols;
        this.values = values;
    }

    /**
     * {@code blocks} diagonal blocks over {@code rows × cols}, with {@code values} (any shape of
     * {@code rows·cols/blocks} elements, contiguous; viewed as {@code [G, ob, ib]}, not copied).
     */
    public static BlockDiagonal of(int blocks, int rows, int cols, Tensor values) {
        checkShape("BlockDiagonal", blocks, rows, cols);
        Shape shape = Shape.of(blocks, rows / blocks, cols / blocks);
        return new BlockDiagonal(blocks, rows, cols, SparseDense.values("BlockDiagonal", values, shape));
    }

    /** All-zero blocks of the given dtype. */
    public static BlockDiagonal zeros(int blocks, int rows, int cols, DType dtype) {
        checkShape("BlockDiagonal.zeros", blocks, rows, cols);
        return new BlockDiagonal(blocks, rows, cols,
                Tensor.zeros(Shape.of(blocks, rows / blocks, cols / blocks), dtype));
    }

    /**
     * The diagonal blocks of a dense {@code [rows, cols]} matrix (copied, same dtype).
     * NOTE: entries outside the blocks are dropped, not checked to be zero.
     */
    public static BlockDiagonal fromDense(Tensor dense, int blocks) {
        return fromDense(dense, null, blocks);
    }

    /**
     * The diagonal blocks of {@code dense}, zeroed where {@code mask} (same shape, nonzero = kept) is
     * 0: how a pruned layer's holes inside the blocks are represented. {@code mask} may be null.
     */
    public static BlockDiagonal fromDense(Tensor dense, Tensor mask, int blocks) {
        Shape s = SparseDense.rank2("BlockDiagonal.fromDense", "dense", dense);
        if (mask != null && !mask.shape().equals(s)) {
            throw new IllegalArgumentException("BlockDiagonal.fromDense: mask shape " + mask.shape()
                    + " differs from dense shape " + s);
        }
        BlockDiagonal pattern = zeros(blocks, s.dim(0), s.dim(1), dense.dtype());
        Shape vs = pattern.values.shape();
        return new BlockDiagonal(blocks, s.dim(0), s.dim(1), SparseDense.gather(dense, mask, vs, pattern));
    }

    private static void checkShape(String op, int blocks, int rows, int cols) {
        if (blocks < 1) {
            throw new IllegalArgumentException(op + ": blocks must be ≥ 1, got " + blocks);
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": negative shape [" + rows + ", " + cols + "]");
        }
        if (rows % blocks != 0 || cols % blocks != 0) {
            throw new IllegalArgumentException(op + ": " + blocks + " blocks do not divide shape ["
                    + rows + ", " + cols + "]");
        }
    }

    /** Number of diagonal blocks G. */
    public int blocks() {
        return blocks;
    }

    /** Rows of each block, {@code rows/G}. */
    public int blockRows() {
        return rows / blocks;
    }

    /** Columns of each block, {@code cols/G}. */
    public int blockCols() {
        return cols / blocks;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int nnz() {
        return values.size();
    }

    /** Values of shape {@code [G, ob, ib]}. */
    @Override
    public Tensor values() {
        return values;
    }

    @Override
    public BlockDiagonal withValues(Tensor newValues) {
        return new BlockDiagonal(blocks, rows, cols,
                SparseDense.values("BlockDiagonal.withValues", newValues, values.shape()));
    }

    @Override
    public void forEachEntry(EntryVisitor visitor) {
        int ob = blockRows();
        int ib = blockCols();
        for (int g = 0; g < blocks; g++) {
            for (int i = 0; i < ob; i++) {
                for (int j = 0; j < ib; j++) {
                    visitor.accept(g * ob + i, g * ib + j, (g * ob + i) * ib + j);
                }
            }
        }
    }

    /**
     * The same matrix as a {@link Bsr} of {@code ob×ib} blocks on the diagonal, sharing the values
     * (blocks must be non-empty: BSR blocks have positive sizes).
     */
    public Bsr toBsr() {
        int[] rowPtr = new int[blocks + 1];
        int[] colIdx = new int[blocks];
        for (int g = 0; g < blocks; g++) {
            rowPtr[g + 1] = g + 1;
            colIdx[g] = g;
        }
        return Bsr.of(rows, cols, blockRows(), blockCols(), rowPtr, colIdx, values);
    }

    @Override
    public String toString() {
        return "BlockDiagonal[" + rows + "×" + cols + ", " + blocks + " blocks of " + blockRows() + "×"
                + blockCols() + ", " + dtype() + "]";
    }
}
