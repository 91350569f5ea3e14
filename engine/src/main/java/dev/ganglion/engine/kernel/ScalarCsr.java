package dev.ganglion.engine.kernel;

import static dev.ganglion.engine.kernel.SparsePanel.FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * Reference {@link CsrKernel}: plain loops defining the semantics the SIMD twin is tested against.
 * Each output accumulates in float, in entry order (then batch order for the dot products).
 */
public final class ScalarCsr implements CsrKernel {
    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarCsr() {}

    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, float[] v, int vOff,
                     MemorySegment s, MemorySegment d, int ld) {
        for (int q = from; q < to; q++) {
            long dst = (long) q * ld;
            d.asSlice(dst * Float.BYTES, (long) ld * Float.BYTES).fill((byte) 0);
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                float w = v[vOff + p];
                long src = (long) idx[p] * ld;
                for (int b = 0; b < ld; b++) {
                    d.setAtIndex(FLOAT, dst + b, d.getAtIndex(FLOAT, dst + b) + w * s.getAtIndex(FLOAT, src + b));
                }
            }
        }
    }

    @Override
    public void addRows(MemorySegment d, int ld, int batch, int from, int to, float[] y, int yOff, boolean accumulate,
                        RowEpilogue e) {
        for (int q = from; q < to; q++) {
            addRow(d, ld, q, 0, batch, y, yOff + q * batch, accumulate, e);
        }
    }

    /** {@link #addRows} of row q at batch positions {@code [b0, b1)}; {@code y0}: the row's start in y. */
    public static void addRow(MemorySegment d, int ld, int q, int b0, int b1, float[] y, int y0, boolean accumulate,
                              RowEpilogue e) {
        long row = (long) q * ld;
        for (int b = b0; b < b1; b++) {
            float sum = d.getAtIndex(FLOAT, row + b);
            y[y0 + b] = e.apply(accumulate ? y[y0 + b] + sum : sum, q);
        }
    }

    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, MemorySegment a, MemorySegment s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        for (int q = from; q < to; q++) {
            long row = (long) q * ld;
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                float acc = dot(a, row, s, (long) idx[p] * ld, ld);
                out[oOff + p] = accumulate ? out[oOff + p] + acc : acc;
            }
        }
    }

    @Override
    public void spmmSddmm(int from, int to, int[] ptr, int[] idx, float[] v, int vOff,
                          MemorySegment a, MemorySegment s, MemorySegment d, int ld, float[] dots, int dOff) {
        spmm(from, to, ptr, idx, v, vOff, a, d, ld);
        for (int q = from; q < to; q++) {
            long row = (long) q * ld;
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                dots[dOff + p] = dot(a, (long) idx[p] * ld, s, row, ld);
            }
        }
    }

    @Override
    public void gather(float[] src, int sOff, int[] perm, int from, int to, float[] dst, int dOff) {
        for (int p = from; p < to; p++) {
            dst[dOff + p] = src[sOff + perm[p]];
        }
    }

    /** {@code Σ_{b<ld} A[a0 + b]·S[s0 + b]} in batch order. */
    private static float dot(MemorySegment a, long a0, MemorySegment s, long s0, int ld) {
        float acc = 0f;
        for (int b = 0; b < ld; b++) {
            acc += a.getAtIndex(FLOAT, a0 + b) * s.getAtIndex(FLOAT, s0 + b);
        }
        return acc;
    }
}
