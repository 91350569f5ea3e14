package dev.ganglion.engine.kernel;

/**
 * Reference {@link CsrKernel}: plain loops defining the semantics the SIMD twin is tested against.
 * Each output accumulates in float, in entry order (then batch order for the dot products).
 */
public final class ScalarCsr implements CsrKernel {
    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, int[] perm, float[] v, int vOff,
                     float[] s, float[] d, int ld) {
        for (int q = from; q < to; q++) {
            int dst = q * ld;
            java.util.Arrays.fill(d, dst, dst + ld, 0f);
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                float w = v[vOff + (perm == null ? p : perm[p])];
                int src = idx[p] * ld;
                for (int b = 0; b < ld; b++) {
                    d[dst + b] += w * s[src + b];
                }
            }
        }
    }

    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, float[] a, float[] s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        for (int q = from; q < to; q++) {
            int row = q * ld;
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                int src = idx[p] * ld;
                float acc = 0f;
                for (int b = 0; b < ld; b++) {
                    acc += a[row + b] * s[src + b];
                }
                out[oOff + p] = accumulate ? out[oOff + p] + acc : acc;
            }
        }
    }
}
