package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.GemmKernel;

/**
 * {@code C[i] = A[i]·B[i] + β·C[i]} for every index i of a broadcast batch shape, C contiguous
 * {@code [batch…, m, n]}. F32 runs on {@link GemmKernel#active()}; F64 on a plain double loop
 * (for float64 references and gradient checks, where speed does not matter).
 */
final class BatchedProduct {
    /** Multiply–adds per parallel task when a batch of small products is spread over the pool. */
    private static final long TASK_WORK = 1L << 20;

    private BatchedProduct() {}

    /**
     * Runs the product. {@code a} is m×k and {@code b} k×n per batch element; their batch axes
     * (all but the last two) broadcast to {@code batch}.
     */
    static void run(MatrixOperand a, MatrixOperand b, int[] batch, Tensor c, float beta) {
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        int count = 1;
        for (int d : batch) {
            count *= d;
        }
        int[] offA = offsets(a, batch, count);
        int[] offB = offsets(b, batch, count);
        if (count > 1 && !a.trans() && same(offB) && rowsContinue(offA, (long) a.ld() * m)) {
            // A's batch axes continue its row axis and B is shared: one tall product, m·count rows.
            gemm(a, b, count * m, n, k, offA[0], offB[0], c, 0, beta);
            return;
        }
        long work = (long) m * n * Math.max(k, 1);
        int grain = (int) Math.max(1, TASK_WORK / Math.max(1, work));
        int cStride = m * n;
        Parallel.forRange(count, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                gemm(a, b, m, n, k, offA[i], offB[i], c, i * cStride, beta);
            }
        });
    }

    /** Storage offset of each batch element's matrix (stride 0 along broadcast axes). */
    private static int[] offsets(MatrixOperand op, int[] batch, int count) {
        Tensor t = op.tensor();
        int own = t.rank() - 2;
        int[] strides = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            int axis = i - (batch.length - own);
            strides[i] = axis >= 0 && t.dim(axis) != 1 ? t.stride(axis) : 0;
        }
        int[] offs = new int[count];
        int[] index = new int[batch.length];
        int off = t.offset();
        for (int e = 0; e < count; e++) {
            offs[e] = off;
            // Odometer over the batch index, last axis fastest (row-major, as C is laid out).
            for (int i = batch.length - 1; i >= 0; i--) {
                off += strides[i];
                if (++index[i] < batch[i]) {
                    break;
                }
                off -= strides[i] * batch[i];
                index[i] = 0;
            }
        }
        return offs;
    }

    private static boolean same(int[] offs) {
        for (int o : offs) {
            if (o != offs[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when batch element i of A starts {@code i·step} after element 0 (step = ld·m), so that
     * its batch continues its row axis. Read off the offsets of the broadcast batch, not A's own
     * axes: a batch that only B has (A broadcast along it) gives A the same offset each time.
     */
    private static boolean rowsContinue(int[] offA, long step) {
        for (int i = 1; i < offA.length; i++) {
            if (offA[i] != offA[0] + i * step) {
                return false;
            }
        }
        return true;
    }

    private static void gemm(MatrixOperand a, MatrixOperand b, int m, int n, int k,
                             int aOff, int bOff, Tensor c, int cOff, float beta) {
        if (c.dtype() == DType.F32) {
            GemmKernel.active().gemm(a.trans(), b.trans(), m, n, k,
                    1f, a.tensor().floatArray(), aOff, a.ld(), b.tensor().floatArray(), bOff, b.ld(),
                    beta, c.floatArray(), cOff, n);
        } else {
            gemmF64(a, b, m, n, k, aOff, bOff, c.doubleArray(), cOff, beta);
        }
    }

    /** {@code C = op(A)·op(B) + β·C} in float64, the reference loop; C is not read when β = 0. */
    private static void gemmF64(MatrixOperand a, MatrixOperand b, int m, int n, int k,
                                int aOff, int bOff, double[] c, int cOff, double beta) {
        double[] av = a.tensor().doubleArray();
        double[] bv = b.tensor().doubleArray();
        int lda = a.ld();
        int ldb = b.ld();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double x = a.trans() ? av[aOff + p * lda + i] : av[aOff + i * lda + p];
                    double y = b.trans() ? bv[bOff + j * ldb + p] : bv[bOff + p * ldb + j];
                    acc += x * y;
                }
                int ci = cOff + i * n + j;
                c[ci] = beta == 0 ? acc : acc + beta * c[ci];
            }
        }
    }
}
