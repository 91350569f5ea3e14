package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;
import java.lang.foreign.MemorySegment;

/**
 * Inner loops of the CSR products on {@link SparsePanel panels} (aligned native memory,
 * feature-major, batch padded to {@code ld}, a multiple of {@link SparsePanel#ALIGN});
 * {@link CsrProducts} packs, parallelises and unpacks around them.
 *
 * <p>Every method works on rows {@code [from, to)} of a compressed index ({@code ptr}, {@code idx});
 * {@code spmm} reads the value of entry {@code p} at {@code v[vOff + p]}. A call reads and writes
 * the row-indexed panels (D, the A of {@code sddmm}, the S of {@code spmmSddmm}) only at rows
 * {@code [from, to)}, so that a task can pack and unpack exactly those rows around its call
 * ({@link CsrProducts}); the gathered panels are read at any row.
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

    /**
     * Input gradient and weight gradient of one backward pass in one sweep, over the column-major
     * twin of the index ({@code ptr}, {@code idx} its compressed columns): for every column q in
     * {@code [from, to)} and every entry p of it
     * <pre>
     *   D[q·ld + b] = Σ_{p ∈ column q} v(p)·A[idx[p]·ld + b]     (spmm, A = dY's panel)
     *   dots[dOff + p] = Σ_{b&lt;ld} A[idx[p]·ld + b]·S[q·ld + b]    (SDDMM, S = X's panel)
     * </pre>
     * with {@code dots} in the twin's entry order. Over the rows of a CSR index T instead, the same
     * sweep is the backward pass of {@code Y = X·T} ({@link CsrProducts#transposedBackward}), with the
     * dot products in T's value order. Why: both products read the same dY row for an
     * entry, which streams from L2; sharing each load halves the traffic of the two passes. D must
     * not alias A or S.
     */
    void spmmSddmm(int from, int to, int[] ptr, int[] idx, float[] v, int vOff,
                   MemorySegment a, MemorySegment s, MemorySegment d, int ld, float[] dots, int dOff);

    /**
     * The values of entries {@code [from, to)} into another entry order:
     * {@code dst[dOff + p] = src[sOff + perm[p]]}, as a layer keeping its weight in column order
     * needs them in row order for its forward product ({@link CsrProducts}).
     */
    void gather(float[] src, int sOff, int[] perm, int from, int to, float[] dst, int dOff);

    /**
     * Writes panel rows {@code [from, to)} into a feature-major Y whose rows are {@code batch} long,
     * finished by {@code e}: {@code Y[yOff + q·batch + b] = e((Y[yOff + q·batch + b] + D[q·ld + b]), q)}
     * for {@code b < batch} ({@link RowEpilogue#apply}), or {@code e(D[q·ld + b], q)} when not
     * {@code accumulate}. The unpack of a forward product that ends a layer.
     */
    void addRows(MemorySegment d, int ld, int batch, int from, int to, float[] y, int yOff, boolean accumulate,
                 RowEpilogue e);

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
