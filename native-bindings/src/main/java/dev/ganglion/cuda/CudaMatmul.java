package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;

/**
 * Dense matrix products on the device with cuBLAS: {@code C = α·op(A)·op(B) + β·C} on row-major
 * FP32 matrices, {@code op(X) = X} or {@code Xᵀ}, through {@link ColumnMajorGemm}'s operand swap.
 * With {@code tf32} the product runs on tensor cores with inputs rounded to TF32 (10-bit mantissa;
 * expect relative errors near 1e-3 instead of 1e-6). C must not alias A or B.
 */
public final class CudaMatmul {
    private CudaMatmul() {}

    /** {@code C = α·op(A)·op(B) + β·C}; op(A) is m×k, op(B) k×n, C m×n, all rank 2. */
    public static void gemm(CudaDevice device, boolean transA, boolean transB, float alpha, DeviceBuffer a,
                            DeviceBuffer b, float beta, DeviceBuffer c, boolean tf32) {
        int[] mnk = dims(transA, transB, a.shape(), b.shape(), c.shape());
        requireFloat(a, b, c);
        if (c.address().address() == a.address().address() || c.address().address() == b.address().address()) {
            throw new IllegalArgumentException("CudaMatmul.gemm: C must not alias A or B");
        }
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        if (m == 0 || n == 0) {
            return;
        }
        // Leading dimensions are the stored row lengths; cuBLAS wants them ≥ 1 even for empty operands.
        ColumnMajorGemm g = ColumnMajorGemm.of(transA, transB, m, n, k,
                Math.max(1, a.shape().dim(1)), Math.max(1, b.shape().dim(1)), n);
        CuBlas blas = device.blas();
        if (tf32) {
            blas.gemmEx(device.blasHandle(), g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), alpha,
                    b.address(), g.ldFirst(), a.address(), g.ldSecond(), beta, c.address(), g.ldc(),
                    CuBlas.COMPUTE_32F_FAST_TF32);
        } else {
            blas.sgemm(device.blasHandle(), g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), alpha,
                    b.address(), g.ldFirst(), a.address(), g.ldSecond(), beta, c.address(), g.ldc());
        }
    }

    /** A new {@code C = A·B}. */
    public static DeviceBuffer matmul(CudaDevice device, DeviceBuffer a, DeviceBuffer b, boolean tf32) {
        int[] mnk = dims(false, false, a.shape(), b.shape(), null);
        DeviceBuffer c = device.allocate(Shape.of(mnk[0], mnk[1]));
        try {
            gemm(device, false, false, 1f, a, b, 0f, c, tf32);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * {@code {m, n, k}} for the product, or {@link IllegalArgumentException} naming the op and the
     * shapes; {@code c} may be null (not yet allocated).
     */
    static int[] dims(boolean transA, boolean transB, Shape a, Shape b, Shape c) {
        if (a.rank() != 2 || b.rank() != 2 || (c != null && c.rank() != 2)) {
            throw new IllegalArgumentException(describe("operands must be matrices", transA, transB, a, b, c));
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException(describe("inner dimensions " + k + " and " + kb + " differ",
                    transA, transB, a, b, c));
        }
        if (c != null && (c.dim(0) != m || c.dim(1) != n)) {
            throw new IllegalArgumentException(describe("C must be [" + m + ", " + n + "]", transA, transB, a, b, c));
        }
        return new int[] {m, n, k};
    }

    private static String describe(String problem, boolean transA, boolean transB, Shape a, Shape b, Shape c) {
        return "CudaMatmul.gemm: " + problem + " (A " + a + (transA ? "ᵀ" : "") + ", B " + b + (transB ? "ᵀ" : "")
                + (c == null ? "" : ", C " + c) + ")";
    }

    static void requireFloat(DeviceBuffer... buffers) {
        for (DeviceBuffer b : buffers) {
            if (b.element() != DeviceBuffer.Element.F32) {
                throw new IllegalArgumentException("expected an F32 buffer, got " + b);
            }
        }
    }
}
