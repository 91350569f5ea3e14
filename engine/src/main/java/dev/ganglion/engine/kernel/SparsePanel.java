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

    /** Transpose tile: 16×16 floats, 1 KiB each side, so both the read and the write stay in L1. */
    private static final int TILE = 16;

    /** Elements per parallel task, so small transposes stay on the calling thread. */
    private static final int GRAIN_ELEMENTS = 1 << 16;

    private SparsePanel() {}

    /** Padded panel width for {@code batch} rows. */
    public static int width(int batch) {
        return (batch + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** A new zeroed panel for {@code features} rows over {@code batch}. */
    public static float[] allocate(int features, int batch) {
        return new float[Math.multiplyExact(features, width(batch))];
    }

    /**
     * {@code P[f·ld + b] = X[xOff + b·features + f]} for {@code b < batch}; the padding columns of
     * {@code P} are left as they are (zero in a fresh panel).
     */
    public static void pack(float[] x, int xOff, int batch, int features, float[] p, int ld) {
        int grain = Math.max(1, GRAIN_ELEMENTS / Math.max(1, batch * TILE));
        int tiles = (features + TILE - 1) / TILE;
        Parallel.forRange(tiles, grain, (from, to) -> {
            for (int f0 = from * TILE; f0 < Math.min(features, to * TILE); f0 += TILE) {
                packTile(x, xOff, batch, features, p, ld, f0, Math.min(features, f0 + TILE));
            }
        });
    }

    private static void packTile(float[] x, int xOff, int batch, int features, float[] p, int ld, int f0, int f1) {
        for (int b0 = 0; b0 < batch; b0 += TILE) {
            int b1 = Math.min(batch, b0 + TILE);
            for (int f = f0; f < f1; f++) {
                int dst = f * ld;
                int src = xOff + f;
                for (int b = b0; b < b1; b++) {
                    p[dst + b] = x[src + b * features];
                }
            }
        }
    }

    /**
     * {@code Y[yOff + b·features + f] = P[f·ld + b]} (or {@code +=} when {@code accumulate}) for
     * {@code b < batch}: the inverse of {@link #pack}.
     */
    public static void unpack(float[] p, int ld, int batch, int features, float[] y, int yOff, boolean accumulate) {
        int grain = Math.max(1, GRAIN_ELEMENTS / Math.max(1, features * TILE));
        int tiles = (batch + TILE - 1) / TILE;
        Parallel.forRange(tiles, grain, (from, to) -> {
            for (int b0 = from * TILE; b0 < Math.min(batch, to * TILE); b0 += TILE) {
                unpackTile(p, ld, features, y, yOff, accumulate, b0, Math.min(batch, b0 + TILE));
            }
        });
    }

    private static void unpackTile(float[] p, int ld, int features, float[] y, int yOff, boolean accumulate,
                                   int b0, int b1) {
        for (int f0 = 0; f0 < features; f0 += TILE) {
            int f1 = Math.min(features, f0 + TILE);
            for (int b = b0; b < b1; b++) {
                int dst = yOff + b * features;
                if (accumulate) {
                    for (int f = f0; f < f1; f++) {
                        y[dst + f] += p[f * ld + b];
                    }
                } else {
                    for (int f = f0; f < f1; f++) {
                        y[dst + f] = p[f * ld + b];
                    }
                }
            }
        }
    }
}
