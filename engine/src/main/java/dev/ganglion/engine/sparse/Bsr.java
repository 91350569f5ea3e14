package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.SparseIndex;

/**
 * A block-sparse-row weight {@code W[rows × cols]} made of {@code r×c} blocks in any pattern:
 * block-row {@code q} (rows {@code q·r … q·r+r−1}) stores blocks at block-columns
 * {@code colIdx[rowPtr[q] … rowPtr[q+1]−1]} (sorted, unique), block {@code p} holding
 * {@code W[q·r + i, colIdx[p]·c + j] = values[p, i, j]}.
 *
 * <p>Values: a contiguous tensor of shape {@code [nnzb, r, c]}, shared and updatable in place; the
 * structure (a validated {@link SparseIndex} over {@code rows/r × cols/c} blocks) is immutable.
 */
public final class Bsr implements SparseMatrix {
    private final int rows;
    private final int cols;
    private final int r;
    private final int c;
    private final SparseIndex index;
    private final Tensor values;

    private Bsr(int rows, int cols, int r, int c, SparseIndex index, Tensor values) {
        this.rows = rows;
        this.cols = cols;
        this.r = r;
        this.c = c;
        this.index = index;
        this.values = values;
    }

    /**
     * Validates and builds: {@code rowPtr} of length {@code rows/r + 1}, {@code colIdx} block-columns
     * in {@code [0, cols/c)} sorted and unique per block-row (both copied), {@code values} of
     * {@code nnzb·r·c} elements, contiguous (viewed as {@code [nnzb, r, c]}, not copied).
     */
    public static Bsr of(int rows, int cols, int blockRows, int blockCols, int[] rowPtr, int[] colIdx,
                         Tensor values) {
        checkShape("Bsr", rows, cols, blockRows, blockCols);
        SparseIndex index = SparseIndex.of("Bsr", "block-row", "block-column", rows / blockRows, cols / blockCols,
                rowPtr, colIdx);
        Shape vs = Shape.of(index.entries(), blockRows, blockCols);
        return new Bsr(rows, cols, blockRows, blockCols, index, SparseDense.values("Bsr", values, vs));
    }

    /**
     * The pattern of a block mask {@code [rows/r, cols/c]} (nonzero = block stored), with zero values
     * of {@code dtype}.
     */
    public static Bsr fromBlockMask(Tensor blockMask, int blockRows, int blockCols, DType dtype) {
        Shape s = SparseDense.rank2("Bsr.fromBlockMask", "blockMask", blockMask);
        long rows = (long) s.dim(0) * blockRows;
        long cols = (long) s.dim(1) * blockCols;
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Bsr.fromBlockMask: block mask " + s + " of " + blockRows + "×" + blockCols
                    + " blocks makes a " + rows + "×" + cols + " matrix, larger than 2^31 − 1 rows or columns");
        }
        checkShape("Bsr.fromBlockMask", (int) rows, (int) cols, blockRows, blockCols);
        return fromMaskArray(SparseMasks.of(blockMask), (int) rows, (int) cols, blockRows, blockCols, dtype);
    }

    /** The blocks of a dense {@code [rows, cols]} matrix that hold any nonzero, values copied. */
    public static Bsr fromDense(Tensor dense, int blockRows, int blockCols) {
        Shape s = SparseDense.rank2("Bsr.fromDense", "dense", dense);
        checkShape("Bsr.fromDense", s.dim(0), s.dim(1), blockRows, blockCols);
        boolean[][] m = SparseMasks.blocksOf(SparseMasks.of(dense), blockRows, blockCols);
        Bsr pattern = fromMaskArray(m, s.dim(0), s.dim(1), blockRows, blockCols, dense.dtype());
        return pattern.withValues(SparseDense.gather(dense, null, pattern.values.shape(), pattern));
    }

    /**
     * The blocks named by {@code blockMask [rows/r, cols/c]}, values copied from {@code dense}
     * (every element of a kept block, zeros included).
     */
    public static Bsr fromDense(Tensor dense, Tensor blockMask, int blockRows, int blockCols) {
        Shape s = SparseDense.rank2("Bsr.fromDense", "dense", dense);
        Bsr pattern = fromBlockMask(blockMask, blockRows, blockCols, dense.dtype());
        if (pattern.rows != s.dim(0) || pattern.cols != s.dim(1)) {
            throw new IllegalArgumentException("Bsr.fromDense: block mask " + blockMask.shape() + " of "
                    + blockRows + "×" + blockCols + " blocks does not cover dense shape " + s);
        }
        return pattern.withValues(SparseDense.gather(dense, null, pattern.values.shape(), pattern));
    }

    /**
     * A seeded random pattern with {@code round(density·cols/c)} blocks in every block-row (columns
     * uniform without replacement) and float32 values uniform in {@code [−1, 1)}.
     */
    public static Bsr random(int rows, int cols, int blockRows, int blockCols, double density, long seed) {
        checkShape("Bsr.random", rows, cols, blockRows, blockCols);
        int[][] pc = SparseMasks.random("Bsr.random", rows / blockRows, cols / blockCols, density, seed);
        Bsr pattern = fromPattern(pc, rows, cols, blockRows, blockCols, DType.F32);
        return pattern.withValues(SparseMasks.uniform(pattern.values.shape(), seed ^ 0x5DEECE66DL));
    }

    private static Bsr fromMaskArray(boolean[][] m, int rows, int cols, int r, int c, DType dtype) {
        return fromPattern(SparseMasks.compress(m, cols / c), rows, cols, r, c, dtype);
    }

    /** Zero values on the block pattern {@code {rowPtr, colIdx}}. */
    private static Bsr fromPattern(int[][] pc, int rows, int cols, int r, int c, DType dtype) {
        SparseIndex index = SparseIndex.of("Bsr", "block-row", "block-column", rows / r, cols / c, pc[0], pc[1]);
        return new Bsr(rows, cols, r, c, index, Tensor.zeros(Shape.of(index.entries(), r, c), dtype));
    }

    private static void checkShape(String op, int rows, int cols, int r, int c) {
        if (r < 1 || c < 1) {
            throw new IllegalArgumentException(op + ": block shape " + r + "×" + c + " must be positive");
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": negative shape [" + rows + ", " + cols + "]");
        }
        if (rows % r != 0 || cols % c != 0) {
            throw new IllegalArgumentException(op + ": blocks of " + r + "×" + c + " do not divide shape ["
                    + rows + ", " + cols + "]");
        }
    }

    /** Rows of each block, r. */
    public int blockRows() {
        return r;
    }

    /** Columns of each block, c. */
    public int blockCols() {
        return c;
    }

    /** Stored blocks. */
    public int nnzBlocks() {
        return index.entries();
    }

    /** The validated block index (block-rows × block-columns), for the array-level kernels. */
    public SparseIndex index() {
        return index;
    }

    /** A copy of the block-row pointers. */
    public int[] rowPtr() {
        return index.ptr();
    }

    /** A copy of the block-column indices. */
    public int[] colIdx() {
        return index.idx();
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

    /** Values of shape {@code [nnzb, r, c]}. */
    @Override
    public Tensor values() {
        return values;
    }

    @Override
    public Bsr withValues(Tensor newValues) {
        return new Bsr(rows, cols, r, c, index, SparseDense.values("Bsr.withValues", newValues, values.shape()));
    }

    @Override
    public void forEachEntry(EntryVisitor visitor) {
        for (int q = 0; q < index.majors(); q++) {
            for (int i = 0; i < r; i++) {
                for (int p = index.rowStart(q); p < index.rowStart(q + 1); p++) {
                    for (int j = 0; j < c; j++) {
                        visitor.accept(q * r + i, index.column(p) * c + j, (p * r + i) * c + j);
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Bsr[" + rows + "×" + cols + ", " + nnzBlocks() + " blocks of " + r + "×" + c + ", " + dtype() + "]";
    }
}
