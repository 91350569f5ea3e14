package dev.ganglion.engine.backend;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;

/**
 * The engine's own kernels as a {@link ComputeBackend}: {@link GemmKernel#cpu()} for
 * {@code C = op(A)·op(B)} and {@link SparseOps} for the sparse layer products. Synchronous: a
 * {@link PreparedOp#run} returns with the product done; {@link #elapsedMillis} is wall time.
 */
final class CpuBackend implements ComputeBackend {
    static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public PreparedOp prepareMatmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        int[] mnk = Operands.matmul("CpuBackend.matmul", a, transA, b, transB);
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        Tensor ac = a.contiguous();
        Tensor bc = b.contiguous();
        Tensor c = Tensor.zeros(Shape.of(m, n), DType.F32);
        GemmKernel kernel = GemmKernel.cpu();
        // Leading dimensions are the stored row lengths (k or m for A, n or k for B).
        int lda = Math.max(1, a.dim(1));
        int ldb = Math.max(1, b.dim(1));
        return new Op(c, 2.0 * m * n * k, () -> {
            kernel.gemm(transA, transB, m, n, k, 1f, ac.floatArray(), ac.offset(), lda,
                    bc.floatArray(), bc.offset(), ldb, 0f, c.floatArray(), c.offset(), Math.max(1, n));
            c.markWritten();
        });
    }

    @Override
    public PreparedOp prepareLinear(SparseMatrix w, Tensor x) {
        Shape ys = Operands.linear("CpuBackend.linear", "x", x, w.cols(), w.rows(), w);
        Tensor y = Tensor.zeros(ys, DType.F32);
        return new Op(y, 2.0 * Operands.batch(x) * w.nnz(), () -> SparseOps.linearInto(x, w, y, false));
    }

    @Override
    public PreparedOp prepareLinearInputGrad(SparseMatrix w, Tensor dy) {
        Shape xs = Operands.linear("CpuBackend.linearInputGrad", "dy", dy, w.rows(), w.cols(), w);
        Tensor dx = Tensor.zeros(xs, DType.F32);
        return new Op(dx, 2.0 * Operands.batch(dy) * w.nnz(), () -> SparseOps.linearInputGradInto(dy, w, dx, false));
    }

    @Override
    public PreparedOp prepareLinearWeightGrad(SparseMatrix w, Tensor dy, Tensor x) {
        Operands.weightGrad("CpuBackend.linearWeightGrad", w, dy, x);
        Tensor dw = Tensor.zeros(w.values().shape(), DType.F32);
        return new Op(dw, 2.0 * Operands.batch(x) * w.nnz(),
                () -> SparseOps.linearWeightGradInto(dy, x, w, dw, false));
    }

    @Override
    public GemmKernel hostGemm() {
        return GemmKernel.cpu();
    }

    @Override
    public void synchronize() {
        // Every CPU product has finished when its call returns.
    }

    @Override
    public double elapsedMillis(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    /** A product writing {@code out} on each run; {@link #result} copies it. */
    private static final class Op extends BasicPreparedOp {
        private final Tensor out;

        Op(Tensor out, double flops, Runnable call) {
            super(flops, call);
            this.out = out;
        }

        @Override
        protected Tensor fetch() {
            return out.copy();
        }

        @Override
        protected void release() {
            // nothing is held outside the heap
        }
    }
}
