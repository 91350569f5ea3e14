package dev.ganglion.cuda;

/**
 * How the row-major sparse-layer products map onto cuSPARSE's generic API, whose sparse operand is
 * always on the left: {@code SpMM: C = op(A)·op(B)} with A sparse, {@code SDDMM: C = (op(A)·op(B)) ∘ spy(C)}
 * with C sparse. W is {@code out×in}; X is {@code [batch×in]}, Y {@code [batch×out]}, row-major.
 *
 * <p>A row-major {@code batch×in} buffer is, unchanged, the column-major {@code in×batch} matrix Xᵀ.
 * So {@code Y = X·Wᵀ} is computed as {@code Yᵀ = W·Xᵀ} with column-major dense descriptors on the
 * same memory (cuSPARSE documents this "switch the dense layout" use of SpMM for dense × sparse).
 */
final class SparseLayout {
    /** Arguments of {@code cusparseCreateDnMat}: element (r, c) is at {@code c·ld + r} (column order) or {@code r·ld + c}. */
    record Dense(long rows, long cols, long ld, int order) {}

    /** One SpMM: the ops on the sparse A and dense B, and B's and C's descriptors. */
    record Spmm(int opA, int opB, Dense b, Dense c) {}

    /** One SDDMM: the ops on the dense A and B, and their descriptors (C is W's pattern). */
    record Sddmm(int opA, int opB, Dense a, Dense b) {}

    private SparseLayout() {}

    /** {@code Yᵀ (out×batch) = W · Xᵀ (in×batch)}. */
    static Spmm forward(int batch, int out, int in) {
        return new Spmm(CuSparse.OP_N, CuSparse.OP_N, column(in, batch), column(out, batch));
    }

    /**
     * {@code dXᵀ (in×batch) = Wᵀ · dYᵀ (out×batch)}. With {@code transposedDescriptor} the sparse
     * operand is already Wᵀ (W's CSR arrays read as CSC), so no transpose is requested of cuSPARSE.
     */
    static Spmm inputGrad(int batch, int out, int in, boolean transposedDescriptor) {
        return new Spmm(transposedDescriptor ? CuSparse.OP_N : CuSparse.OP_T, CuSparse.OP_N,
                column(out, batch), column(in, batch));
    }

    /**
     * {@code Yᵀ (out×batch) = W · Xᵀ (in×batch)} on transposed copies: Xᵀ and Yᵀ stored row-major
     * ({@link DeviceKernels#transpose}), the layout cuSPARSE's row-major CSR algorithm is fastest in.
     */
    static Spmm forwardOnTransposed(int batch, int out, int in) {
        return new Spmm(CuSparse.OP_N, CuSparse.OP_N, row(in, batch), row(out, batch));
    }

    /** {@code dXᵀ (in×batch) = Wᵀ · dYᵀ (out×batch)} on row-major transposed copies, Wᵀ as a CSC view of W. */
    static Spmm inputGradOnTransposed(int batch, int out, int in) {
        return new Spmm(CuSparse.OP_N, CuSparse.OP_N, row(out, batch), row(in, batch));
    }

    /**
     * {@code dW = (dYᵀ · X) ∘ spy(W)}, {@code dYᵀ} out×batch, X batch×in. {@code rowMajor} describes dY
     * as the row-major {@code batch×out} matrix and asks for its transpose; otherwise dY is described
     * column-major as {@code out×batch} directly. X is row-major {@code batch×in} either way.
     */
    static Sddmm weightGrad(int batch, int out, int in, boolean rowMajor) {
        Dense x = row(batch, in);
        return rowMajor
                ? new Sddmm(CuSparse.OP_T, CuSparse.OP_N, row(batch, out), x)
                : new Sddmm(CuSparse.OP_N, CuSparse.OP_N, column(out, batch), x);
    }

    /** A row-major {@code rows×cols} matrix, densely stored. */
    private static Dense row(long rows, long cols) {
        return new Dense(rows, cols, cols, CuSparse.ORDER_ROW);
    }

    /** The column-major {@code rows×cols} view of a row-major {@code cols×rows} buffer. */
    private static Dense column(long rows, long cols) {
        return new Dense(rows, cols, rows, CuSparse.ORDER_COL);
    }
}
