package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * Inner loops of the BSR products on {@link SparsePanel panels} (aligned native memory,
 * feature-major, batch padded to {@code ld}, a multiple of {@link SparsePanel#ALIGN});
 * {@link BsrProducts} packs, parallelises and unpacks around them. Block {@code k} of {@code r×c}
 * values is stored row-major at {@code vOff + k·r·c}.
 *
 * <p>{@link #spmm} is written once for both directions through strides: the forward product reads
 * block rows ({@code outDim = r, inDim = c, outStride = c, inStride = 1}), the input gradient reads
 * them transposed over the column-major index ({@code outDim = c, inDim = r, outStride = 1,
 * inStride = c}).
 */
public interface BsrKernel {
    /**
     * For block-rows q in {@code [from, to)} and {@code o < outDim}:
     * {@code D[(q·outDim+o)·ld + b] = Σ_{p ∈ row q} Σ_{i<inDim} w(p, o, i)·S[(idx[p]·inDim+i)·ld + b]},
     * {@code w(p, o, i) = v[vOff + k·outDim·inDim + o·outStride + i·inStride]},
     * {@code k = perm == null ? p : perm[p]}. D must not alias S.
     */
    void spmm(int from, int to, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
              int outStride, int inStride, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld);

    /**
     * Sampled block products: for block-rows q in {@code [from, to)}, entries p, {@code i < r},
     * {@code j < c}: {@code out[oOff + p·r·c + i·c + j] (+)= Σ_{b<ld} A[(q·r+i)·ld + b]·S[(idx[p]·c+j)·ld + b]}.
     */
    void sddmm(int from, int to, int[] ptr, int[] idx, int r, int c, MemorySegment a, MemorySegment s, int ld,
               float[] out, int oOff, boolean accumulate);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarBsr}). */
    static BsrKernel active() {
        return BsrActive.KERNEL;
    }
}

/** Lazy holder so that merely naming the interface loads no kernel. */
final class BsrActive {
    static final BsrKernel KERNEL =
            Vectorization.load(BsrKernel.class, "dev.ganglion.engine.simd.SimdBsr", ScalarBsr::new);

    private BsrActive() {}
}
