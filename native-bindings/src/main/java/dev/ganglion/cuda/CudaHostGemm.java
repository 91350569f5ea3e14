package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.kernel.GemmKernel;

/**
 * {@link GemmKernel} on host arrays, computed by cuBLAS SGEMM (FP32, no TF32) on one
 * {@link CudaDevice}: each call copies the stored blocks of A and B (and of C when β ≠ 0) to the
 * device, packed, through the pinned staging buffer, runs {@link CudaMatmul#gemm}, and copies C
 * back. Synchronous like the CPU kernels, so it can stand in for them
 * ({@link dev.ganglion.engine.kernel.RoutedGemm}); the copies dominate for small products, which is
 * why the router measures before it sends a shape here. Calls from several threads run one at a
 * time. An operand that does not fit its array is an {@link IllegalArgumentException} naming it.
 */
final class CudaHostGemm implements GemmKernel {
    private final CudaDevice device;

    CudaHostGemm(CudaDevice device) {
        this.device = device;
    }

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k,
                                  float alpha, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        requireFits("C", c, cOff, m, n, ldc);
        if (k == 0) {   // C = β·C, nothing to send: the CPU kernel's rule (C read only when β ≠ 0)
            GemmKernel.cpu().gemm(transA, transB, m, n, 0, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        requireFits("A", a, aOff, aRows, aCols, lda);
        requireFits("B", b, bOff, bRows, bCols, ldb);
        try (DeviceBuffer da = device.allocate(Shape.of(aRows, aCols));
             DeviceBuffer db = device.allocate(Shape.of(bRows, bCols));
             DeviceBuffer dc = device.allocate(Shape.of(m, n))) {
            device.copyMatrixIn(a, aOff, aRows, aCols, lda, da);
            device.copyMatrixIn(b, bOff, bRows, bCols, ldb, db);
            if (beta != 0f) {
                device.copyMatrixIn(c, cOff, m, n, ldc, dc);
            }
            CudaMatmul.gemm(device, transA, transB, alpha, da, db, beta, dc, false);
            device.copyMatrixOut(dc, c, cOff, m, n, ldc);
        }
    }

    /** The {@code rows × cols} matrix from {@code off} with leading dimension {@code ld} lies inside {@code x}. */
    private static void requireFits(String name, float[] x, int off, int rows, int cols, int ld) {
        long last = off + (long) (rows - 1) * ld + cols;   // one past the last element read or written
        if (off < 0 || (rows > 1 && ld < cols) || last > x.length) {
            throw new IllegalArgumentException("CudaHostGemm.gemm: " + name + " is " + rows + "×" + cols
                    + " from offset " + off + " with leading dimension " + ld + ", which does not fit its "
                    + x.length + "-element array");
        }
    }
}
