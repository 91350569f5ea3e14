package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.GemmMicroKernel.F32;
import static dev.ganglion.engine.simd.GemmMicroKernel.LANES;
import static dev.ganglion.engine.simd.GemmMicroKernel.MR;
import static dev.ganglion.engine.simd.GemmMicroKernel.NR;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packs blocks of {@code op(A)} and {@code op(B)} into the micro-panels that {@link GemmMicroKernel}
 * streams: A as a row-major block of stride {@link #A_STRIDE} (its micro-panels are MR consecutive
 * rows), B as {@code ⌈nc/NR⌉} k-major panels of {@code kc×NR}. Partial panels are zero-padded.
 *
 * <p>Why pack: the kernel then reads both operands with unit stride from a buffer that is
 * cache-resident (B micro-panel in L1, A block in L2) whatever the leading dimensions and transposes
 * of the caller's arrays, and the transpose cost is paid once per block instead of once per tile.
 */
final class GemmPacking {
    /** Row stride of a packed A block ({@link #packA}): one slice of k, at most {@link SimdGemm#KC} deep. */
    static final int A_STRIDE = SimdGemm.KC;
    /** Rows copied together: of a row-major B ({@link #packBRows}), of a transposed A outside its square blocks. */
    static final int STRIP = 8;

    private GemmPacking() {}

    /**
     * {@link dev.ganglion.engine.kernel.UnaryKernel#flushBelow} 2⁻¹²⁶ (subnormals) over {@code rows}
     * runs of {@code len} floats, {@code stride} apart from {@code off}: called on every packed block,
     * so that no product in the register tiles reads a subnormal (a 512³ product with subnormal A ran
     * 180× slower, 1.6 against 289 ms, on a Xeon with AVX-512).
     */
    static void flushSubnormals(float[] dst, int off, int rows, int len, int stride) {
        for (int r = 0, d = off; r < rows; r++, d += stride) {
            SimdUnary.flushBelowRun(dst, d, len, Float.MIN_NORMAL);
        }
    }

    /**
     * Packs rows {@code [i0, i0+mc)} × columns {@code [p0, p0+kc)} of {@code α·op(A)} into
     * {@code dst}: element (i0 + i, p0 + p) goes to {@code dst[i·A_STRIDE + p]}, and rows
     * {@code [mc, ⌈mc/MR⌉·MR)} are zeros; subnormals become zeros ({@link #flushSubnormals}). Folding
     * α in here costs one multiply per packed value instead of one per output per k slice.
     *
     * <p>The block is row-major with a fixed stride, so A micro-panel q (rows q·MR … q·MR + MR − 1)
     * starts at {@code q·MR·A_STRIDE} and holds its row r at {@code r·A_STRIDE}: the register tile
     * reads its MR rows at constant offsets, and packing a row-major A is a plain vector copy of each
     * row (a transposed A goes through in-register transposes). The k-major interleaved panel of the
     * textbook layout (the MR values of one k step side by side) costs a scalar store per value to
     * pack from a row-major A: measured, GEMM 1024³ on 1 thread 8.84 → 8.48 ms (medians of 8
     * alternating runs of the two builds; results identical to the bit).
     */
    static void packA(boolean transA, float alpha, float[] a, int aOff, int lda,
                      int i0, int mc, int p0, int kc, float[] dst) {
        if (transA) {
            packATransposed(alpha, a, aOff + p0 * lda + i0, lda, mc, kc, dst);
        } else {
            packARows(alpha, a, aOff + i0 * lda + p0, lda, mc, kc, dst);
        }
        flushSubnormals(dst, 0, mc, kc, A_STRIDE);
        int padded = (mc + MR - 1) / MR * MR;
        for (int i = mc; i < padded; i++) {
            Arrays.fill(dst, i * A_STRIDE, i * A_STRIDE + kc, 0f);
        }
    }

    /**
     * Copies {@code rows} rows of {@code kc} floats, {@code lda} apart from {@code s}, to
     * {@code dst[r·A_STRIDE + p]}, as they are (no α, no flush): one register tile's rows of an A
     * read in place, so that the tile reads them at constant offsets (see {@code SimdGemm}'s
     * direct-A sweep).
     */
    static void copyRows(float[] a, int s, int lda, int rows, int kc, float[] dst) {
        for (int r = 0; r < rows; r++, s += lda) {
            System.arraycopy(a, s, dst, r * A_STRIDE, kc);
        }
    }

    /** {@code mc} rows of a row-major A, each copied (and scaled) with whole vectors. */
    private static void packARows(float alpha, float[] a, int s, int lda, int mc, int kc, float[] dst) {
        FloatVector va = FloatVector.broadcast(F32, alpha);
        int whole = kc / LANES * LANES;
        for (int i = 0; i < mc; i++, s += lda) {
            int d = i * A_STRIDE;
            int p = 0;
            for (; p < whole; p += LANES) {
                FloatVector.fromArray(F32, a, s + p).mul(va).intoArray(dst, d + p);
            }
            for (; p < kc; p++) {
                dst[d + p] = alpha * a[s + p];
            }
        }
    }

    /**
     * A stored transposed (k×m, row p of the source holds column p of op(A)): square blocks through
     * {@link GemmTranspose#block} where the width has one, the rest one value at a time, reading
     * along the source rows; α applied to the transposed blocks afterwards, in place.
     */
    private static void packATransposed(float alpha, float[] a, int s, int lda, int mc, int kc, float[] dst) {
        int bs = GemmTranspose.BLOCK;
        int mcB = bs > 0 ? mc / bs * bs : 0;
        int kcB = bs > 0 ? kc / bs * bs : 0;
        for (int i = 0; i < mcB; i += bs) {
            for (int p = 0; p < kcB; p += bs) {
                GemmTranspose.block(a, s + p * lda + i, lda, dst, i * A_STRIDE + p, A_STRIDE);
            }
        }
        if (alpha != 1f && kcB > 0) {
            FloatVector va = FloatVector.broadcast(F32, alpha);
            for (int i = 0; i < mcB; i++) {
                for (int p = 0, d = i * A_STRIDE; p < kcB; p += LANES) {
                    FloatVector.fromArray(F32, dst, d + p).mul(va).intoArray(dst, d + p);
                }
            }
        }
        // Columns kcB… of the transposed rows, then rows mcB… of every column (all of it at widths
        // without a block), in strips of STRIP rows: a k step reads STRIP adjacent values and stores
        // to STRIP rows. Over all mc rows at once (144 store streams) the weight-gradient shape
        // (m = n = 1,024, k = 128) ran 14 % slower at 256 bits than with k-major panels; in strips, level.
        for (int i0 = 0; i0 < mc; i0 += STRIP) {
            int i1 = Math.min(mc, i0 + STRIP);
            for (int p = i0 < mcB ? kcB : 0; p < kc; p++) {
                for (int i = i0, src = s + p * lda; i < i1; i++) {
                    dst[i * A_STRIDE + p] = alpha * a[src + i];
                }
            }
        }
    }

    /**
     * Packs rows {@code [p0, p0+kc)} × columns {@code [j0, j0+nc)} of {@code op(B)} into {@code dst}:
     * element (p0 + p, j0 + q·NR + j) goes to {@code dst[q·NR·kc + p·NR + j]}, a subnormal as a zero
     * ({@link #flushSubnormals}).
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        packBValues(transB, b, bOff, ldb, p0, kc, j0, nc, dst);
        flushSubnormals(dst, 0, 1, (nc + NR - 1) / NR * NR * kc, 0);
    }

    private static void packBValues(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                                    float[] dst) {
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
     * 16 lanes go through in-register transposes ({@link GemmTranspose#block}); the rest reads each
     * source row with unit stride and scatters it into the L1-resident panel at stride NR. At 8
     * lanes the in-register 8×8 blocks were no faster here (0.36–0.40 against 0.36–0.39 ns per value
     * packing 256- and 1,024-square Bs on Zen 3): the 16 source rows 4 KiB apart bound both.
     */
    private static void packBColumns(float[] b, int s, int ldb, int kc, int cols, float[] dst, int d) {
        int p0 = 0;
        if (GemmTranspose.BLOCK == 16 && cols == NR) {
            for (; p0 + LANES <= kc; p0 += LANES) {
                GemmTranspose.block(b, s + p0, ldb, dst, d + p0 * NR, NR);
                GemmTranspose.block(b, s + LANES * ldb + p0, ldb, dst, d + p0 * NR + LANES, NR);
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
