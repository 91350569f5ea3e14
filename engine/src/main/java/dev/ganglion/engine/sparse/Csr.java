package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.SparseIndex;
import dev.ganglion.engine.ops.Indexing;

/**
 * A compressed-sparse-row weight {@code W[rows × cols]} in any pattern: row i stores columns
 * {@code colIdx[rowPtr[i] … rowPtr[i+1]−1]} (sorted, unique) with {@code W[i, colIdx[p]] = values[p]}.
 *
 * <p>Values: a contiguous tensor of shape {@code [nnz]}, shared and updatable in place; the structure
 * (a validated {@link SparseIndex}, with its column-major twin for {@code dX = dY·W}) is immutable.
 */
public final class Csr implements SparseMatrix {
    private final SparseIndex index;
    private final Tensor values;

    private Csr(SparseIndex index, Tensor values) {
        this.index = index;
        this.values = values;
    }

    /**
     * Validates and builds: {@code rowPtr} of length {@code rows+1} from 0 to {@code colIdx.length},
     * non-decreasing; {@code colIdx} in {@code [0, cols)}, sorted and unique per row (both copied);
     * {@code values} of {@code nnz} elements, contiguous (viewed as {@code [nnz]}, not copied).
     */
    public static Csr of(int rows, int cols, int[] rowPtr, int[] colIdx, Tensor values) {
        SparseIndex index = SparseIndex.of("Csr", rows, cols, rowPtr, colIdx);
        return new Csr(index, SparseDense.values("Csr", values, Shape.of(index.entries())));
    }

    /**
     * From coordinate (COO) triplets: entry k puts {@code v[k]} at {@code W[r[k], c[k]]}, in any
     * order. The entries are sorted by row, then column; duplicates of a position are summed in the
     * order they appear in the arrays ({@code ((v[k1] + v[k2]) + v[k3])} for {@code k1 < k2 < k3}),
     * in the values' dtype, so the result is deterministic. {@code v} holds one value per triplet
     * (any shape of that size, float32 or float64); nothing given is modified, the values are copied.
     *
     * @throws IllegalArgumentException for a negative shape, arrays of different lengths, or an
     *         index out of range (naming its position k)
     */
    public static Csr fromCoo(int rows, int cols, int[] r, int[] c, Tensor v) {
        return SparseCoo.toCsr("Csr.fromCoo", rows, cols, r, c, v);
    }

    /** The pattern of {@code mask [rows, cols]} (nonzero = stored), with zero values of {@code dtype}. */
    public static Csr fromMask(Tensor mask, DType dtype) {
        Shape s = SparseDense.rank2("Csr.fromMask", "mask", mask);
        return fromMaskArray(SparseMasks.of(mask), s.dim(0), s.dim(1), dtype);
    }

    /** The nonzero entries of a dense {@code [rows, cols]} matrix, values copied. */
    public static Csr fromDense(Tensor dense) {
        return fromDense(dense, dense);
    }

    /**
     * The entries named by {@code mask} (same shape, nonzero = stored), values copied from
     * {@code dense}; a masked-in zero is stored as an explicit zero (it still gets a gradient).
     */
    public static Csr fromDense(Tensor dense, Tensor mask) {
        Shape s = SparseDense.rank2("Csr.fromDense", "dense", dense);
        if (!mask.shape().equals(s)) {
            throw new IllegalArgumentException("Csr.fromDense: mask shape " + mask.shape()
                    + " differs from dense shape " + s);
        }
        Csr pattern = fromMaskArray(SparseMasks.of(mask), s.dim(0), s.dim(1), dense.dtype());
        return pattern.withValues(SparseDense.gather(dense, null, pattern.values.shape(), pattern));
    }

    /**
     * A seeded random pattern with {@code round(density·cols)} entries in every row (columns uniform
     * without replacement) and float32 values uniform in {@code [−1, 1)}.
     */
    public static Csr random(int rows, int cols, double density, long seed) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("Csr.random: negative shape [" + rows + ", " + cols + "]");
        }
        Csr pattern = fromPattern(SparseMasks.random("Csr.random", rows, cols, density, seed), rows, cols, DType.F32);
        return pattern.withValues(SparseMasks.uniform(pattern.values.shape(), seed ^ 0x5DEECE66DL));
    }

    private static Csr fromMaskArray(boolean[][] m, int rows, int cols, DType dtype) {
        return fromPattern(SparseMasks.compress(m, cols), rows, cols, dtype);
    }

    /** Zero values on the pattern {@code {rowPtr, colIdx}}. */
    private static Csr fromPattern(int[][] pc, int rows, int cols, DType dtype) {
        SparseIndex index = SparseIndex.of("Csr", rows, cols, pc[0], pc[1]);
        return new Csr(index, Tensor.zeros(Shape.of(index.entries()), dtype));
    }

    /**
     * {@code T = Wᵀ [cols × rows]} as a new CSR, its values copied in W's column order
     * ({@code T.values[k] = W.values[transposeOrder()[k]]}), of W's dtype: the weight form
     * {@link SparseOps#linearTransposedInto} takes. Its pattern comes from W's column-major index
     * (built once, shared with W's input-gradient product).
     */
    public Csr transpose() {
        return new Csr(index.transpose("Csr.transpose"),
                Indexing.indexSelect(values, 0, index.transposeOrder("Csr.transpose")));
    }

    /**
     * The value permutation of {@link #transpose}: {@code T.values[k] = W.values[order[k]]}, i.e. the
     * row-order positions of W's entries listed column by column (rows ascending within a column).
     * A copy; use it to carry values (or optimizer state) between W and its transpose.
     */
    public int[] transposeOrder() {
        return index.transposeOrder("Csr.transposeOrder");
    }

    /** The validated index, for the array-level kernels. */
    public SparseIndex index() {
        return index;
    }

    /** A copy of the row pointers. */
    public int[] rowPtr() {
        return index.ptr();
    }

    /** A copy of the column indices. */
    public int[] colIdx() {
        return index.idx();
    }

    @Override
    public int rows() {
        return index.majors();
    }

    @Override
    public int cols() {
        return index.minors();
    }

    @Override
    public int nnz() {
        return index.entries();
    }

    /** Values of shape {@code [nnz]}. */
    @Override
    public Tensor values() {
        return values;
    }

    @Override
    public Csr withValues(Tensor newValues) {
        return new Csr(index, SparseDense.values("Csr.withValues", newValues, values.shape()));
    }

    @Override
    public void forEachEntry(EntryVisitor visitor) {
        for (int i = 0; i < index.majors(); i++) {
            for (int p = index.rowStart(i); p < index.rowStart(i + 1); p++) {
                visitor.accept(i, index.column(p), p);
            }
        }
    }

    @Override
    public String toString() {
        return "Csr[" + rows() + "×" + cols() + ", " + nnz() + " entries, " + dtype() + "]";
    }
}
