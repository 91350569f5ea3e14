package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.GemmMicroKernel.F32;
import static dev.ganglion.engine.simd.GemmMicroKernel.LANES;
import static dev.ganglion.engine.simd.GemmMicroKernel.MR;
import static dev.ganglion.engine.simd.GemmMicroKernel.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packs blocks of {@code op(A)} and {@code op(B)} into the k-major micro-panels that
 * {@link GemmMicroKernel} streams: A as {@code ⌈mc/MR⌉} panels of {@code kc×MR}, B as
 * {@code ⌈nc/NR⌉} panels of {@code kc×NR}. Partial panels are zero-padded.
 *
 * <p>Why pack: the kernel then reads both operands with unit stride from a buffer that is
 * cache-resident (B micro-panel in L1, A block in L2) whatever the leading dimensions and transposes
 * of the caller's arrays, and the transpose cost is paid once per block instead of once per tile.
 */
final class GemmPacking {
    /** Rows of B copied together when packing a row-major B (see {@link #packBRows}). */
    static final int STRIP = 8;

    private GemmPacking() {}

    /**
     * Packs rows {@code [i0, i0+mc)} × columns {@code [p0, p0+kc)} of {@code α·op(A)} into
     * {@code dst}: element (i0 + q·MR + r, p0 + p) goes to {@code dst[q·MR·kc + p·MR + r]}. Folding α
     * in here costs one multiply per packed value instead of one per output per k slice.
     */
    static void packA(boolean transA, float alpha, float[] a, int aOff, int lda,
                      int i0, int mc, int p0, int kc, float[] dst) {
        for (int q = 0; q * MR < mc; q++) {
            int rows = Math.min(MR, mc - q * MR);
            int d = q * MR * kc;
            int row = i0 + q * MR;
            if (!transA) {
                packARows(alpha, a, aOff + row * lda + p0, lda, rows, kc, dst, d);
            } else if (rows == MR) {
                packAColumns(alpha, a, aOff + p0 * lda + row, lda, kc, dst, d);
            } else {
                packAColumnsPartial(alpha, a, aOff + p0 * lda + row, lda, rows, kc, dst, d);
            }
        }
    }

    /**
     * {@code rows} rows of a row-major A, zero rows up to MR. One source row per inner loop: a single
     * unit-stride load stream and a stride-MR store stream into the L1-resident panel, which C2
     * unrolls without range checks (measured 7× faster than interleaving MR source streams).
     */
    private static void packARows(float alpha, float[] a, int s, int lda, int rows, int kc, float[] dst, int d) {
        for (int r = 0; r < MR; r++, s += lda) {
            if (r < rows) {
                for (int p = 0, t = d + r; p < kc; p++, t += MR) {
                    dst[t] = alpha * a[s + p];
                }
            } else {
                for (int p = 0, t = d + r; p < kc; p++, t += MR) {
                    dst[t] = 0f;
                }
            }
        }
    }

    /** MR full columns of a column-major (transposed) A: the MR values of one k step are contiguous. */
    private static void packAColumns(float alpha, float[] a, int s, int lda, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++, s += lda, d += MR) {
            for (int r = 0; r < MR; r++) {
                dst[d + r] = alpha * a[s + r];
            }
        }
    }

    private static void packAColumnsPartial(float alpha, float[] a, int s, int lda, int rows, int kc,
                                            float[] dst, int d) {
        for (int p = 0; p < kc; p++, s += lda, d += MR) {
            for (int r = 0; r < MR; r++) {
                dst[d + r] = r < rows ? alpha * a[s + r] : 0f;
            }
        }
    }

    /**
     * Packs rows {@code [p0, p0+kc)} × columns {@code [j0, j0+nc)} of {@code op(B)} into {@code dst}:
     * element (p0 + p, j0 + q·NR + j) goes to {@code dst[q·NR·kc + p·NR + j]}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        int full = nc / NR;
        if (!transB) {
            packBRows(b, bOff + p0 * ldb + j0, ldb, kc, full, dst);
        }
        for (int q = transB ? 0 : full; q * NR < nc; q++) {
            int cols = Math.min(NR, nc - q * NR);
            int d = q * NR * kc;
            int col = j0 + q * NR;
            if (transB) {
                packBColumns(b, bOff + col * ldb + p0, ldb, kc, cols, dst, d);
            } else {
                packBPartialRows(b, bOff + p0 * ldb + col, ldb, kc, cols, dst, d);
            }
        }
    }

    /**
     * The {@code panels} full panels of a row-major B, in strips of {@link #STRIP} rows: within a
     * strip each panel's rows are copied in turn (two vectors per row), so the reads walk a few
     * source rows forward in step and the writes fill one panel region at a time.
     */
    private static void packBRows(float[] b, int s, int ldb, int kc, int panels, float[] dst) {
        for (int p0 = 0; p0 < kc; p0 += STRIP) {
            int p1 = Math.min(kc, p0 + STRIP);
            for (int q = 0; q < panels; q++) {
                int src = s + p0 * ldb + q * NR;
                for (int p = p0, d = q * NR * kc + p0 * NR; p < p1; p++, src += ldb, d += NR) {
                    FloatVector.fromArray(F32, b, src).intoArray(dst, d);
                    FloatVector.fromArray(F32, b, src + LANES).intoArray(dst, d + LANES);
                }
            }
        }
    }

    /** Fewer than NR columns of a row-major B: masked loads leave zeros in the padding lanes. */
    private static void packBPartialRows(float[] b, int s, int ldb, int kc, int cols, float[] dst, int d) {
        VectorMask<Float> lo = F32.indexInRange(0, cols);
        VectorMask<Float> hi = F32.indexInRange(LANES, cols);
        for (int p = 0; p < kc; p++, s += ldb, d += NR) {
            FloatVector.fromArray(F32, b, s, lo).intoArray(dst, d);
            FloatVector.fromArray(F32, b, s + LANES, hi).intoArray(dst, d + LANES);
        }
    }

    /**
     * {@code op(B) = Bᵀ}: column j of op(B) is row j of the source, contiguous along k. Full panels at
     * 512 bits go through in-register 16×16 transposes ({@link GemmTranspose}); the rest reads each
     * source row with unit stride and scatters it into the L1-resident panel at stride NR.
     */
    private static void packBColumns(float[] b, int s, int ldb, int kc, int cols, float[] dst, int d) {
        int p0 = 0;
        if (GemmTranspose.AVAILABLE && cols == NR) {
            for (; p0 + LANES <= kc; p0 += LANES) {
                GemmTranspose.block16(b, s + p0, ldb, dst, d + p0 * NR, NR);
                GemmTranspose.block16(b, s + LANES * ldb + p0, ldb, dst, d + p0 * NR + LANES, NR);
            }
        }
        for (int j = 0; j < NR; j++) {
            int src = s + j * ldb;
            for (int p = p0, t = d + p0 * NR + j; p < kc; p++, t += NR) {
                dst[t] = j < cols ? b[src + p] : 0f;
            }
        }
    }
}
