package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;

/**
 * General matrix product on row-major float32 arrays, BLAS style:
 * {@code C = α·op(A)·op(B) + β·C}, with {@code op(X) = X} or {@code Xᵀ}.
 *
 * <p>{@code op(A)} is m×k, {@code op(B)} is k×n, C is m×n. Element (i, j) of a row-major matrix X
 * stored from {@code xOff} with leading dimension {@code ldx} is {@code x[xOff + i·ldx + j]}. When
 * {@code β = 0}, C is not read (NaNs in C do not propagate). C must not alias A or B.
 * Implementations may use the shared {@link dev.ganglion.engine.Parallel} pool.
 */
public interface GemmKernel {
    /**
     * {@code C = α·op(A)·op(B) + β·C} over the m×n block of C, with {@code op(A) = Aᵀ} when
     * {@code transA} (else A) and {@code op(B) = Bᵀ} when {@code transB}; layouts and aliasing as
     * above.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * The engine's GEMM: {@link RoutedGemm#engine()}, which runs each product on {@link #cpu()}, or
     * on an attached device where that is measured faster ({@code Backends.offloadProducts}).
     */
    static GemmKernel active() {
        return Active.GEMM;
    }

    /** The CPU implementation picked at start-up (SIMD when enabled, else {@link ScalarGemm}). */
    static GemmKernel cpu() {
        return Active.GEMM.cpu();
    }
}

/** Lazy holder so that merely naming the interface loads no kernel. */
final class Active {
    static final RoutedGemm GEMM = new RoutedGemm(
            Vectorization.load(GemmKernel.class, "dev.ganglion.engine.simd.SimdGemm", ScalarGemm::new));

    private Active() {}
}
