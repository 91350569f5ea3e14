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
    private static final ByteOrder LE = Simd.STORE_ORDER;

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdBsr() {}

    /*
     * Written for C2 in a JVM that has compiled many other kernels, where a large method's last
     * vector operations may be left as calls that box their vectors (AllocationPerCallTest: after a
     * run of every element-wise op, the forward of a 1,024² matrix at 25 % in 16 × 16 blocks, batch
     * 64, allocated 63.6 MB a call and took 7.1 ms against 0.36 alone). So:
     * - the tiles call FloatVector.fromMemorySegment and the byte-species store themselves, with
     *   byte offsets (B bytes per float): small load and store helpers were not inlined ("callee
     *   uses too much stack") and passed every vector boxed;
     * - the widest tile is 4 rows × 2 vectors: at 4 × 4 (16 accumulators) the last two FMAs of the
     *   loop still boxed there (5.5 MB, 0.7 ms a call). The 4 × 2 tile costs ~15 % alone (0.41
     *   against 0.36 ms): the weights are broadcast once per pair of vectors, not per four.
     */
    private static final long B = Float.BYTES;

    @Override
    public void spmm(int from, int to, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                     int outStride, int inStride, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        for (int q = from; q < to; q++) {
            int o = 0;
            // 4 output rows × 2 batch vectors: 8 accumulators, 2 loads and a broadcast at a time
            // fit the 16 registers of AVX2; every source load feeds 4 FMAs, every broadcast 2.
            for (; o + 4 <= outDim; o += 4) {
                int b = 0;
                for (; b + 2 * L <= ld; b += 2 * L) {
                    tile4x2(q, o, b, ptr, idx, perm, outDim, inDim, outStride, inStride, v, vOff, s, d, ld);
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

    private static void tile4x2(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = ((long) idx[p] * inDim * ld + b) * B;
            for (int i = 0; i < inDim; i++) {
                int wi = base + i * is;
                long si = src + (long) i * ld * B;
                FloatVector x0 = FloatVector.fromMemorySegment(S, s, si, NATIVE);
                FloatVector x1 = FloatVector.fromMemorySegment(S, s, si + L * B, NATIVE);
                FloatVector w = FloatVector.broadcast(S, v[wi]);
                c00 = x0.fma(w, c00);
                c01 = x1.fma(w, c01);
                w = FloatVector.broadcast(S, v[wi + os]);
                c10 = x0.fma(w, c10);
                c11 = x1.fma(w, c11);
                w = FloatVector.broadcast(S, v[wi + 2 * os]);
                c20 = x0.fma(w, c20);
                c21 = x1.fma(w, c21);
                w = FloatVector.broadcast(S, v[wi + 3 * os]);
                c30 = x0.fma(w, c30);
                c31 = x1.fma(w, c31);
            }
        }
        long dst = ((long) (q * outDim + o) * ld + b) * B;
        long row = ld * B;
        c00.reinterpretAsBytes().intoMemorySegment(d, dst, LE);
        c01.reinterpretAsBytes().intoMemorySegment(d, dst + L * B, LE);
        c10.reinterpretAsBytes().intoMemorySegment(d, dst + row, LE);
        c11.reinterpretAsBytes().intoMemorySegment(d, dst + row + L * B, LE);
        c20.reinterpretAsBytes().intoMemorySegment(d, dst + 2 * row, LE);
        c21.reinterpretAsBytes().intoMemorySegment(d, dst + 2 * row + L * B, LE);
        c30.reinterpretAsBytes().intoMemorySegment(d, dst + 3 * row, LE);
        c31.reinterpretAsBytes().intoMemorySegment(d, dst + 3 * row + L * B, LE);
    }

    /** Batch tail of a 4-row tile: one vector, 4 chains. */
    private static void tile4x1(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = ((long) idx[p] * inDim * ld + b) * B;
            for (int i = 0; i < inDim; i++) {
                int wi = base + i * is;
                FloatVector x = FloatVector.fromMemorySegment(S, s, src + (long) i * ld * B, NATIVE);
                c0 = x.fma(FloatVector.broadcast(S, v[wi]), c0);
                c1 = x.fma(FloatVector.broadcast(S, v[wi + os]), c1);
                c2 = x.fma(FloatVector.broadcast(S, v[wi + 2 * os]), c2);
                c3 = x.fma(FloatVector.broadcast(S, v[wi + 3 * os]), c3);
            }
        }
        long dst = ((long) (q * outDim + o) * ld + b) * B;
        long row = ld * B;
        c0.reinterpretAsBytes().intoMemorySegment(d, dst, LE);
        c1.reinterpretAsBytes().intoMemorySegment(d, dst + row, LE);
        c2.reinterpretAsBytes().intoMemorySegment(d, dst + 2 * row, LE);
        c3.reinterpretAsBytes().intoMemorySegment(d, dst + 3 * row, LE);
    }

    /** Row tail (fewer than 4 rows left in the block): one row × 4 batch vectors. */
    private static void tile1x4(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = ((long) idx[p] * inDim * ld + b) * B;
            for (int i = 0; i < inDim; i++) {
                FloatVector w = FloatVector.broadcast(S, v[base + i * is]);
                long si = src + (long) i * ld * B;
                c0 = FloatVector.fromMemorySegment(S, s, si, NATIVE).fma(w, c0);
                c1 = FloatVector.fromMemorySegment(S, s, si + L * B, NATIVE).fma(w, c1);
                c2 = FloatVector.fromMemorySegment(S, s, si + 2 * L * B, NATIVE).fma(w, c2);
                c3 = FloatVector.fromMemorySegment(S, s, si + 3 * L * B, NATIVE).fma(w, c3);
            }
        }
        long dst = ((long) (q * outDim + o) * ld + b) * B;
        c0.reinterpretAsBytes().intoMemorySegment(d, dst, LE);
        c1.reinterpretAsBytes().intoMemorySegment(d, dst + L * B, LE);
        c2.reinterpretAsBytes().intoMemorySegment(d, dst + 2 * L * B, LE);
        c3.reinterpretAsBytes().intoMemorySegment(d, dst + 3 * L * B, LE);
    }

    private static void tile1x1(int q, int o, int b, int[] ptr, int[] idx, int[] perm, int outDim, int inDim,
                                int os, int is, float[] v, int vOff, MemorySegment s, MemorySegment d, int ld) {
        FloatVector c = FloatVector.zero(S);
        int bs = outDim * inDim;
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            int base = vOff + (perm == null ? p : perm[p]) * bs + o * os;
            long src = ((long) idx[p] * inDim * ld + b) * B;
            for (int i = 0; i < inDim; i++) {
                c = FloatVector.fromMemorySegment(S, s, src + (long) i * ld * B, NATIVE)
                        .fma(FloatVector.broadcast(S, v[base + i * is]), c);
            }
        }
        c.reinterpretAsBytes().intoMemorySegment(d, ((long) (q * outDim + o) * ld + b) * B, LE);
    }

    @Override
    public void sddmm(int from, int to, int[] ptr, int[] idx, int r, int c, MemorySegment a, MemorySegment s, int ld,
                      float[] out, int oOff, boolean accumulate) {
        float[] sums = new float[SimdBlockDots.SUMS];   // one per call (a range of block rows)
        for (int q = from; q < to; q++) {
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                block((long) q * r * ld, (long) idx[p] * c * ld, r, c, a, s, ld, out, oOff + p * r * c, accumulate,
                        sums);
            }
        }
    }

    /** One r×c block of dot products, tiled 4×4 with 4×1, 1×4 and 1×1 edges. */
    private static void block(long a0, long s0, int r, int c, MemorySegment a, MemorySegment s, int ld,
                              float[] out, int at, boolean accumulate, float[] sums) {
        int i = 0;
        for (; i + 4 <= r; i += 4) {
            int j = 0;
            for (; j + 4 <= c; j += 4) {
                SimdBlockDots.dot4x4(a, a0 + (long) i * ld, s, s0 + (long) j * ld, ld, out, at + i * c + j, c, accumulate,
                        sums);
            }
            for (; j < c; j++) {
                long ai = a0 + (long) i * ld;
                // The dot product is symmetric: one S row against four A rows, outputs a column apart.
                SimdSparseDots.dot1x4(s, s0 + (long) j * ld, a, ai, ai + ld, ai + 2 * ld, ai + 3 * ld, ld,
                        out, at + i * c + j, c, accumulate, sums);
            }
        }
        for (; i < r; i++) {
            int j = 0;
            for (; j + 4 <= c; j += 4) {
                long sj = s0 + (long) j * ld;
                SimdSparseDots.dot1x4(a, a0 + (long) i * ld, s, sj, sj + ld, sj + 2 * ld, sj + 3 * ld, ld,
                        out, at + i * c + j, 1, accumulate, sums);
            }
            for (; j < c; j++) {
                SimdSparseDots.dot(a, a0 + (long) i * ld, s, s0 + (long) j * ld, ld, out, at + i * c + j, accumulate,
                        sums);
            }
        }
    }
}
