package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;

/**
 * Strided out-of-place transpose of a block of a row-major matrix, the inner loop of the
 * {@link SparsePanel} layout changes: {@code D[dOff + j·ds + i] = S[sOff + i·ss + j]} (or
 * {@code +=} when {@code accumulate}) for i in {@code [i0, i1)} and j in {@code [j0, j1)}.
 * Offsets may be negative as long as every index touched lies in its array. S and D must not
 * overlap.
 */
public interface TransposeKernel {
    /**
     * {@code D[dOff + j·ds + i] (+)= S[sOff + i·ss + j]} for i in {@code [i0, i1)} and j in
     * {@code [j0, j1)}; {@code +=} when {@code accumulate}.
     */
    void transpose(float[] s, int sOff, int ss, int i0, int i1, int j0, int j1,
                   float[] d, int dOff, int ds, boolean accumulate);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarTranspose}). */
    static TransposeKernel active() {
        return TransposeActive.KERNEL;
    }
}

/** Lazy holder so that merely naming the interface loads no kernel. */
final class TransposeActive {
    static final TransposeKernel KERNEL =
            Vectorization.load(TransposeKernel.class, "dev.ganglion.engine.simd.SimdTranspose", ScalarTranspose::new);

    private TransposeActive() {}
}
