package dev.ganglion.models.recurrent;

/**
 * Plain row-major float64 {@code C = α·op(A)·op(B) + β·C} with the argument order of
 * {@link dev.ganglion.engine.kernel.GemmKernel}; the engine's GEMM kernels are float32 only and the
 * float64 path serves GradCheck on tiny sizes, so a scalar triple loop is enough.
 */
final class DoubleGemm {
    private DoubleGemm() {}

    static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
                     double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int at = cOff + i * ldc + j;
                c[at] = beta == 0 ? alpha * s : alpha * s + beta * c[at];
            }
        }
    }
}
