package dev.ganglion.engine.kernel;

import java.util.Arrays;

/**
 * Reference {@link BsrKernel}: plain loops defining the semantics the SIMD twin is tested against.
 * Each output accumulates in float, in entry order, then inner-index order, then batch order.
 */
public final class ScalarBsr implements BsrKernel {
    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                     int outStride, int inStride, float[] v, int vOff, float[] s, float[] d, int ld) {
        int bs = outDim * inDim;
        for (int q = from; q < to; q++) {
            for (int o = 0; o < outDim; o++) {
                int dst = (q * outDim + o) * ld;
                Arrays.fill(d, dst, dst + ld, 0f);
                for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                    int base = vOff + (perm == null ? p : perm[p]) * bs + o * outStride;
                    for (int i = 0; i < inDim; i++) {
                        float w = v[base + i * inStride];
                        int src = (idx[p] * inDim + i) * ld;
                        for (int b = 0; b < ld; b++) {
                            d[dst + b] += w * s[src + b];
                        }
                    }
                }
            }
        }
    }

    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, int r, int c, float[] a, float[] s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        for (int q = from; q < to; q++) {
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                for (int i = 0; i < r; i++) {
                    int row = (q * r + i) * ld;
                    for (int j = 0; j < c; j++) {
                        int src = (idx[p] * c + j) * ld;
                        float acc = 0f;
                        for (int b = 0; b < ld; b++) {
                            acc += a[row + b] * s[src + b];
                        }
                        int at = oOff + p * r * c + i * c + j;
                        out[at] = accumulate ? out[at] + acc : acc;
                    }
                }
            }
        }
    }
}
