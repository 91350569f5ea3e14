package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * Inner loops of the CSR products on {@link SparsePanel panels} (aligned native memory,
 * feature-major, batch padded to {@code ld}, a multiple of {@link SparsePanel#ALIGN});
 * {@link CsrProducts} packs, parallelises and unpacks around them.
 *
 * <p>Both methods work on rows {@code [from, to)} of a compressed index ({@code ptr}, {@code idx});
 * {@code spmm} reads the value of entry {@code p} at {@code v[vOff + p]}.
 */
public interface CsrKernel {
    /**
     * Sparse × panel: {@code D[q·ld + b] = Σ_{p ∈ row q} v(p)·S[idx[p]·ld + b]} for every
     * {@code b < ld} (rows with no entries become 0). D must not alias S.
     */
    void spmm(int from, int to, int[] ptr, int[] idx, float[] v, int vOff,
              MemorySegment s, MemorySegment d, int ld);

    /**
     * Sampled dense-dense product: {@code out[oOff + p] (+)= Σ_{b<ld} A[q·ld + b]·S[idx[p]·ld + b]}
     * for every entry p of rows q in {@code [from, to)}; {@code +=} when {@code accumulate}.
     */
    void sddmm(int from, int to, int[] ptr, int[] idx, MemorySegment a, MemorySegment s, int ld,
               float[] out, int oOff, boolean accumulate);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarCsr}). */
    static CsrKernel active() {
        return CsrActive.KERNEL;
    }
}

/** Lazy holder so that merely naming the interface loads no kernel. */
final class CsrActive {
    static final CsrKernel KERNEL =
            Vectorization.load(CsrKernel.class, "dev.ganglion.engine.simd.SimdCsr", ScalarCsr::new);

    private CsrActive() {}
}
