package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Parallel;

/**
 * The feature-major "panel" layout the BSR and CSR kernels compute in: a row-major batch matrix
 * {@code X[batch × features]} becomes {@code P[f·ld + b] = X[b, f]} with the batch padded with
 * zeros to {@code ld = ⌈batch/16⌉·16}.
 *
 * <p>Why: a sparse weight row gathers whole feature rows, and in this layout each one is a
 * contiguous run over the batch, so kernels vectorise over the batch with plain loads (no
 * gathers) at any vector width up to 512 bits without tails. The two transposes cost
 * {@code O(batch·features)} against the product's {@code O(batch·nnz)}.
 */
public final class SparsePanel {
    /** Batch padding: a multiple of every supported vector length (16 floats = 512 bits). */
    public static final int ALIGN = 16;

    /** Columns per parallel chunk: 64 floats, whole cache lines, so chunks rarely share a line. */
    private static final int CHUNK = 64;

    /** Elements per parallel task, so small transposes stay on the calling thread. */
    private static final int GRAIN_ELEMENTS = 1 << 16;

    private SparsePanel() {}

    /** Padded panel width for {@code batch} rows. */
    public static int width(int batch) {
        return (batch + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** A new zeroed panel for {@code features} rows over {@code batch}. */
    public static float[] allocate(int features, int batch) {
        return new float[size(features, batch)];
    }

    /** Floats in a panel of {@code features} rows over {@code batch}. */
    public static int size(int features, int batch) {
        return Math.multiplyExact(features, width(batch));
    }

    /**
     * {@code P[f·ld + b] = X[xOff + b·features + f]} for {@code b < batch}, and 0 in the padding
     * columns {@code batch ≤ b < ld} (the SDDMM sums over them).
     */
    public static void pack(float[] x, int xOff, int batch, int features, float[] p, int ld) {
        transpose(x, xOff, features, batch, features, p, 0, ld, false);
        if (batch < ld) {
            for (int f = 0; f < features; f++) {
                java.util.Arrays.fill(p, f * ld + batch, f * ld + ld, 0f);
            }
        }
    }

    /**
     * {@code Y[yOff + b·features + f] = P[f·ld + b]} (or {@code +=} when {@code accumulate}) for
     * {@code b < batch}: the inverse of {@link #pack}.
     */
    public static void unpack(float[] p, int ld, int batch, int features, float[] y, int yOff, boolean accumulate) {
        transpose(p, 0, ld, features, batch, y, yOff, features, accumulate);
    }

    /**
     * {@code D[dOff + j·dStride + i] (+)= S[sOff + i·sStride + j]} for {@code i < rows, j < cols},
     * in parallel over chunks of the longer side.
     */
    static void transpose(float[] s, int sOff, int sStride, int rows, int cols, float[] d, int dOff, int dStride,
                          boolean accumulate) {
        boolean byCols = cols >= rows;
        int along = byCols ? cols : rows;
        int other = byCols ? rows : cols;
        int chunks = (along + CHUNK - 1) / CHUNK;
        int grain = Math.max(1, GRAIN_ELEMENTS / Math.max(1, other * CHUNK));
        Parallel.forRange(chunks, grain, (from, to) -> {
            int lo = from * CHUNK;
            int hi = Math.min(along, to * CHUNK);
            if (byCols) {
                block(s, sOff, sStride, 0, rows, lo, hi, d, dOff, dStride, accumulate);
            } else {
                block(s, sOff, sStride, lo, hi, 0, cols, d, dOff, dStride, accumulate);
            }
        });
    }

    /**
     * Rows {@code [i0, i1)} × columns {@code [j0, j1)} in 4×4 register blocks: 16 loads from four
     * source rows, 16 stores to four destination rows, so both sides move 4 consecutive floats at a
     * time instead of striding element by element (about 5× faster than the naive loop).
     * NOTE: the inner loop runs along the side with the longer stride (often 4 KiB, e.g. 1024
     * features): rows that far apart share one L1 set, so each of their lines must be finished
     * before moving on, while the short-stride side's lines stay resident across the inner loop.
     */
    private static void block(float[] s, int sOff, int ss, int i0, int i1, int j0, int j1,
                              float[] d, int dOff, int ds, boolean acc) {
        int iEnd = i0 + (i1 - i0) / 4 * 4;
        int jEnd = j0 + (j1 - j0) / 4 * 4;
        if (ss >= ds) {
            for (int i = i0; i < iEnd; i += 4) {
                for (int j = j0; j < jEnd; j += 4) {
                    block4(s, sOff + i * ss + j, ss, d, dOff + j * ds + i, ds, acc);
                }
            }
        } else {
            for (int j = j0; j < jEnd; j += 4) {
                for (int i = i0; i < iEnd; i += 4) {
                    block4(s, sOff + i * ss + j, ss, d, dOff + j * ds + i, ds, acc);
                }
            }
        }
        // Edges: the last rows (i ≥ iEnd) and the last columns (j ≥ jEnd) one element at a time.
        scalar(s, sOff, ss, iEnd, i1, j0, j1, d, dOff, ds, acc);
        scalar(s, sOff, ss, i0, iEnd, jEnd, j1, d, dOff, ds, acc);
    }

    private static void scalar(float[] s, int sOff, int ss, int i0, int i1, int j0, int j1,
                               float[] d, int dOff, int ds, boolean acc) {
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                int t = dOff + j * ds + i;
                float v = s[sOff + i * ss + j];
                d[t] = acc ? d[t] + v : v;
            }
        }
    }

    private static void block4(float[] s, int a, int ss, float[] d, int t, int ds, boolean acc) {
        column4(s, a, ss, d, t, acc);
        column4(s, a + 1, ss, d, t + ds, acc);
        column4(s, a + 2, ss, d, t + 2 * ds, acc);
        column4(s, a + 3, ss, d, t + 3 * ds, acc);
    }

    /** {@code D[t + k] (+)= S[a + k·ss]} for k < 4. */
    private static void column4(float[] s, int a, int ss, float[] d, int t, boolean acc) {
        float v0 = s[a];
        float v1 = s[a + ss];
        float v2 = s[a + 2 * ss];
        float v3 = s[a + 3 * ss];
        if (acc) {
            d[t] += v0;
            d[t + 1] += v1;
            d[t + 2] += v2;
            d[t + 3] += v3;
        } else {
            d[t] = v0;
            d[t + 1] = v1;
            d[t + 2] = v2;
            d[t + 3] = v3;
        }
    }
}
