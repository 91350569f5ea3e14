package dev.ganglion.cuda;

/**
 * The cuBLAS (column-major) arguments computing a row-major product
 * {@code C = op(A)·op(B)}, {@code op(A)} m×k, {@code op(B)} k×n, C m×n.
 *
 * <p>Why the swap works: a row-major m×n matrix with leading dimension ld is, byte for byte, the
 * column-major n×m matrix of its transpose with the same ld. So cuBLAS sees Cᵀ, Aᵀ and Bᵀ in our
 * buffers, and {@code C = op(A)·op(B)} is computed as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: the first cuBLAS
 * operand is our B, the second our A, the dimensions are (n, m, k), and each operand keeps its own
 * transpose flag (the column-major view of a row-major matrix is already its transpose, so
 * {@code op(B)ᵀ} of the view is the view itself exactly when B is not transposed).
 *
 * @param opFirst  cuBLAS op for the first operand (our B)
 * @param opSecond cuBLAS op for the second operand (our A)
 * @param m        rows of the column-major result (our n)
 * @param n        columns of the column-major result (our m)
 * @param k        inner dimension
 * @param ldFirst  our ldb
 * @param ldSecond our lda
 * @param ldc      our ldc
 */
record ColumnMajorGemm(int opFirst, int opSecond, int m, int n, int k, int ldFirst, int ldSecond, int ldc) {

    /** The mapping of a row-major GEMM with the given leading dimensions (row lengths as stored). */
    static ColumnMajorGemm of(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
        return new ColumnMajorGemm(transB ? CuBlas.OP_T : CuBlas.OP_N, transA ? CuBlas.OP_T : CuBlas.OP_N,
                n, m, k, ldb, lda, ldc);
    }

    /**
     * A batch of row-major GEMMs {@code C_i = op(A_i)·op(B_i)} with {@code X_i = X + i·strideX}
     * (elements), as one {@code cublasSgemmStridedBatched} or {@code cublasSgemmBatched} describes it.
     */
    record Batch(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc,
                 long strideA, long strideB, long strideC, int count) {

        ColumnMajorGemm cublas() {
            return ColumnMajorGemm.of(transA, transB, m, n, k, lda, ldb, ldc);
        }

        /** Whether there is nothing to compute (cuBLAS rejects some zero-size arguments). */
        boolean isEmpty() {
            return m == 0 || n == 0 || count == 0;
        }
    }
}
