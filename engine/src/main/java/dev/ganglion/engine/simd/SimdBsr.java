package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.BsrKernel;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD {@link BsrKernel}: per stored block a small GEMM-like register tile, vectorised over the
 * batch axis of the panels (contiguous, padded to a multiple of 16, so no tails). Same results as
 * {@code ScalarBsr} up to summation order.
 */
public final class SimdBsr implements BsrKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdBsr() {}

    /** The vector at float index {@code at} of a panel. */
    private static FloatVector load(MemorySegment panel, long at) {
        return FloatVector.fromMemorySegment(S, panel, at * Float.BYTES, NATIVE);
    }

    private static void store(FloatVector c, MemorySegment panel, long at) {
        c.intoMemorySegment(panel, at * Float.BYTES, NATIVE);
    }

    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                     int outStride, int inStride, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        for (int q = from; q < to; q++) {
            int o = 0;
            // 4 output rows × 4 batch vectors: 16 accumulators + 4 loads + 4 broadcasts fit the 32
            // registers of AVX-512; every source load feeds 4 FMAs, every broadcast 4.
            for (; o + 4 <= outDim; o += 4) {
                int b = 0;
                for (; b + 4 * L <= ld; b += 4 * L) {
                    tile4x4(q, o, b, ptr, idx, perm, outDim, inDim, outStride, inStride, v, vOff, s, d, ld);
                }
                for (; b < ld; b += L) {
                    tile4x1(q, o, b, ptr, idx, perm, outDim, inDim, outStride, inStride, v, vOff, s, d, ld);
                }
            }
            for (; o < outDim; o++) {
                int b = 0;
                for (; b + 4 * L <= ld; b += 4 * L) {
                    tile1x4(q, o, b, ptr, idx, perm, outDim, inDim, outStride, inStride, v, vOff, s, d, ld);
                }
                for (; b < ld; b += L) {
                    tile1x1(q, o, b, ptr, idx, perm, outDim, inDim, outStride, inStride, v, vOff, s, d, ld);
                }
            }
        }
    }

    private static void tile4x4(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = (long) idx[p] * inDim * ld + b;
            for (int i = 0; i < inDim; i++) {
                int wi = base + i * is;
                long si = src + (long) i * ld;
                FloatVector x0 = load(s, si);
                FloatVector x1 = load(s, si + L);
                FloatVector x2 = load(s, si + 2 * L);
                FloatVector x3 = load(s, si + 3 * L);
                FloatVector w = FloatVector.broadcast(S, v[wi]);
                c00 = x0.fma(w, c00);
                c01 = x1.fma(w, c01);
                c02 = x2.fma(w, c02);
                c03 = x3.fma(w, c03);
                w = FloatVector.broadcast(S, v[wi + os]);
                c10 = x0.fma(w, c10);
                c11 = x1.fma(w, c11);
                c12 = x2.fma(w, c12);
                c13 = x3.fma(w, c13);
                w = FloatVector.broadcast(S, v[wi + 2 * os]);
                c20 = x0.fma(w, c20);
                c21 = x1.fma(w, c21);
                c22 = x2.fma(w, c22);
                c23 = x3.fma(w, c23);
                w = FloatVector.broadcast(S, v[wi + 3 * os]);
                c30 = x0.fma(w, c30);
                c31 = x1.fma(w, c31);
                c32 = x2.fma(w, c32);
                c33 = x3.fma(w, c33);
            }
        }
        long dst = (long) (q * outDim + o) * ld + b;
        store4(d, dst, c00, c01, c02, c03);
        store4(d, dst + ld, c10, c11, c12, c13);
        store4(d, dst + 2 * ld, c20, c21, c22, c23);
        store4(d, dst + 3 * ld, c30, c31, c32, c33);
    }

    private static void store4(MemorySegment d, long at, FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3) {
        store(c0, d, at);
        store(c1, d, at + L);
        store(c2, d, at + 2 * L);
        store(c3, d, at + 3 * L);
    }

    /** Batch tail of a 4-row tile: one vector, 4 chains. */
    private static void tile4x1(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = (long) idx[p] * inDim * ld + b;
            for (int i = 0; i < inDim; i++) {
                int wi = base + i * is;
                FloatVector x = load(s, src + i * ld);
                c0 = x.fma(FloatVector.broadcast(S, v[wi]), c0);
                c1 = x.fma(FloatVector.broadcast(S, v[wi + os]), c1);
                c2 = x.fma(FloatVector.broadcast(S, v[wi + 2 * os]), c2);
                c3 = x.fma(FloatVector.broadcast(S, v[wi + 3 * os]), c3);
            }
        }
        long dst = (long) (q * outDim + o) * ld + b;
        store(c0, d, dst);
        store(c1, d, dst + ld);
        store(c2, d, dst + 2 * ld);
        store(c3, d, dst + 3 * ld);
    }

    /** Row tail (fewer than 4 rows left in the block): one row × 4 batch vectors. */
    private static void tile1x4(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = (long) idx[p] * inDim * ld + b;
            for (int i = 0; i < inDim; i++) {
                FloatVector w = FloatVector.broadcast(S, v[base + i * is]);
                long si = src + (long) i * ld;
                c0 = load(s, si).fma(w, c0);
                c1 = load(s, si + L).fma(w, c1);
                c2 = load(s, si + 2 * L).fma(w, c2);
                c3 = load(s, si + 3 * L).fma(w, c3);
            }
        }
        store4(d, (long) (q * outDim + o) * ld + b, c0, c1, c2, c3);
    }

    private static void tile1x1(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c = FloatVector.zero(S);
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = (long) idx[p] * inDim * ld + b;
            for (int i = 0; i < inDim; i++) {
                c = load(s, src + i * ld).fma(FloatVector.broadcast(S, v[base + i * is]), c);
            }
        }
        store(c, d, (long) (q * outDim + o) * ld + b);
    }

    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, int r, int c, MemorySegment a, MemorySegment s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        for (int q = from; q < to; q++) {
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                block((long) q * r * ld, (long) idx[p] * c * ld, r, c, a, s, ld, out, oOff + p * r * c, accumulate);
            }
        }
    }

    /** One r×c block of dot products, tiled 4×4 with 4×1, 1×4 and 1×1 edges. */
    private static void block(long a0, long s0, int r, int c, MemorySegment a, MemorySegment s, int ld,
                              float[] out, int at, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= r; i += 4) {
            int j = 0;
            for (; j + 4 <= c; j += 4) {
                SimdBlockDots.dot4x4(a, a0 + (long) i * ld, s, s0 + (long) j * ld, ld, out, at + i * c + j, c, accumulate);
            }
            for (; j < c; j++) {
                long ai = a0 + (long) i * ld;
                // The dot product is symmetric: one S row against four A rows, outputs a column apart.
                SimdSparseDots.dot1x4(s, s0 + (long) j * ld, a, ai, ai + ld, ai + 2 * ld, ai + 3 * ld, ld,
                        out, at + i * c + j, c, accumulate);
            }
        }
        for (; i < r; i++) {
            int j = 0;
            for (; j + 4 <= c; j += 4) {
                long sj = s0 + (long) j * ld;
                SimdSparseDots.dot1x4(a, a0 + (long) i * ld, s, sj, sj + ld, sj + 2 * ld, sj + 3 * ld, ld,
                        out, at + i * c + j, 1, accumulate);
            }
            for (; j < c; j++) {
                SimdSparseDots.dot(a, a0 + (long) i * ld, s, s0 + (long) j * ld, ld, out, at + i * c + j, accumulate);
            }
        }
    }
}
