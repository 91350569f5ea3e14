package dev.ganglion.engine.kernel;

import static dev.ganglion.engine.kernel.SparsePanel.FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * Reference {@link BsrKernel}: plain loops defining the semantics the SIMD twin is tested against.
 * Each output accumulates in float, in entry order, then inner-index order, then batch order.
 */
public final class ScalarBsr implements BsrKernel {
    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarBsr() {}

    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                     int outStride, int inStride, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        int bs = outDim * inDim;
        for (int q = from; q < to; q++) {
            for (int o = 0; o < outDim; o++) {
                long dst = (long) (q * outDim + o) * ld;
                d.asSlice(dst * Float.BYTES, (long) ld * Float.BYTES).fill((byte) 0);
                for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                    int base = vOff + (perm == null ? p : perm[p]) * bs + o * outStride;
                    for (int i = 0; i < inDim; i++) {
                        float w = v[base + i * inStride];
                        long src = (long) (idx[p] * inDim + i) * ld;
                        for (int b = 0; b < ld; b++) {
                            d.setAtIndex(FLOAT, dst + b, d.getAtIndex(FLOAT, dst + b) + w * s.getAtIndex(FLOAT, src + b));
                        }
                    }
                }
            }
        }
    }

    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, int r, int c, MemorySegment a, MemorySegment s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        for (int q = from; q < to; q++) {
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                for (int i = 0; i < r; i++) {
                    long row = (long) (q * r + i) * ld;
                    for (int j = 0; j < c; j++) {
                        long src = (long) (idx[p] * c + j) * ld;
                        float acc = 0f;
                        for (int b = 0; b < ld; b++) {
                            acc += a.getAtIndex(FLOAT, row + b) * s.getAtIndex(FLOAT, src + b);
                        }
                        int at = oOff + p * r * c + i * c + j;
                        out[at] = accumulate ? out[at] + acc : acc;
                    }
                }
            }
        }
    }
}
