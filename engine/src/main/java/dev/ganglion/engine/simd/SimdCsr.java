package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.CsrKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD {@link CsrKernel}: vectorised over the batch axis of the panels (contiguous, padded to a
 * multiple of 16, so no tails). Same results as {@code ScalarCsr} up to summation order.
 */
public final class SimdCsr implements CsrKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;

    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, int[] perm, float[] v, int vOff,
                     float[] s, float[] d, int ld) {
        for (int q = from; q < to; q++) {
            int b = 0;
            // 8 vectors of the batch per pass: 8 independent FMA chains hide the 4-cycle FMA latency
            // on two FMA ports; each entry costs one broadcast and 8 loads of its source row.
            for (; b + 8 * L <= ld; b += 8 * L) {
                row8(q, b, ptr, idx, perm, v, vOff, s, d, ld);
            }
            for (; b < ld; b += L) {
                row1(q, b, ptr, idx, perm, v, vOff, s, d, ld);
            }
        }
    }

    private static void row8(int q, int b, int[] ptr, int[] idx, int[] perm, float[] v, int vOff,
                             float[] s, float[] d, int ld) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            FloatVector w = FloatVector.broadcast(S, v[vOff + (perm == null ? p : perm[p])]);
            int src = idx[p] * ld + b;
            a0 = FloatVector.fromArray(S, s, src).fma(w, a0);
            a1 = FloatVector.fromArray(S, s, src + L).fma(w, a1);
            a2 = FloatVector.fromArray(S, s, src + 2 * L).fma(w, a2);
            a3 = FloatVector.fromArray(S, s, src + 3 * L).fma(w, a3);
            a4 = FloatVector.fromArray(S, s, src + 4 * L).fma(w, a4);
            a5 = FloatVector.fromArray(S, s, src + 5 * L).fma(w, a5);
            a6 = FloatVector.fromArray(S, s, src + 6 * L).fma(w, a6);
            a7 = FloatVector.fromArray(S, s, src + 7 * L).fma(w, a7);
        }
        int dst = q * ld + b;
        a0.intoArray(d, dst);
        a1.intoArray(d, dst + L);
        a2.intoArray(d, dst + 2 * L);
        a3.intoArray(d, dst + 3 * L);
        a4.intoArray(d, dst + 4 * L);
        a5.intoArray(d, dst + 5 * L);
        a6.intoArray(d, dst + 6 * L);
        a7.intoArray(d, dst + 7 * L);
    }

    private static void row1(int q, int b, int[] ptr, int[] idx, int[] perm, float[] v, int vOff,
                             float[] s, float[] d, int ld) {
        FloatVector a0 = FloatVector.zero(S);
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            float w = v[vOff + (perm == null ? p : perm[p])];
            a0 = FloatVector.fromArray(S, s, idx[p] * ld + b).fma(FloatVector.broadcast(S, w), a0);
        }
        a0.intoArray(d, q * ld + b);
    }

    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, float[] a, float[] s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        for (int q = from; q < to; q++) {
            int row = q * ld;
            int p = ptr[q];
            int end = ptr[q + 1];
            // Four entries of the row at once share each load of the dY row.
            for (; p + 4 <= end; p += 4) {
                SimdSparseDots.dot1x4(a, row, s, idx[p] * ld, idx[p + 1] * ld, idx[p + 2] * ld, idx[p + 3] * ld,
                        ld, out, oOff + p, 1, accumulate);
            }
            for (; p < end; p++) {
                float dot = SimdSparseDots.dot(a, row, s, idx[p] * ld, ld);
                out[oOff + p] = accumulate ? out[oOff + p] + dot : dot;
            }
        }
    }
}
