package dev.ganglion.engine.kernel;

/**
 * Reference {@link GemmKernel}: the plain triple loop, defining the semantics every faster
 * kernel is tested against. Accumulates each dot product in float, in k order.
 */
public final class ScalarGemm implements GemmKernel {
    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarGemm() {}

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }
}
