package dev.ganglion.engine.backend;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.sparse.SparseMatrix;

/**
 * Where the heavy products run: the dense product {@code C = op(A)·op(B)} and the three products of
 * a sparse linear layer {@code Y = X·Wᵀ} (W block-diagonal, BSR or CSR, as in
 * {@link dev.ganglion.engine.sparse.SparseOps}): forward {@code Y = X·Wᵀ}, input gradient
 * {@code dX = dY·W}, weight gradient {@code dW = (dYᵀ·X) ⊙ pattern(W)} (shaped like {@code W.values()}).
 *
 * <p>Each product is first <em>prepared</em>: operands are checked and, on a device, uploaded once;
 * the returned {@link PreparedOp} can then run any number of times on the resident operands
 * (what a benchmark or a training loop with fixed shapes wants). The one-shot defaults prepare, run
 * once, fetch the result and release. Obtain a backend with {@link Backends#get}; {@code "cpu"}
 * is always there, {@code "cuda"} comes from native-bindings through {@link ComputeBackendProvider}.
 *
 * <p>Operands are float32 tensors (any view). X and dY may have leading batch axes ({@code [..., in]}).
 * NOTE: a device backend copies operands at prepare time and the CPU backend reads them at each
 * run, so whether later writes to an operand are seen is backend-specific: prepare again after
 * changing one.
 * Bad shapes or dtypes: {@link IllegalArgumentException} naming the op and the shapes.
 */
public interface ComputeBackend {
    /** {@code "cpu"} or {@code "cuda"}. */
    String name();

    /** Prepares {@code C = op(A)·op(B)}: op(A) m×k, op(B) k×n (A stored k×m when {@code transA}, B n×k when {@code transB}). */
    PreparedOp prepareMatmul(Tensor a, boolean transA, Tensor b, boolean transB);

    /** Prepares {@code Y = X·Wᵀ}: {@code [..., in] → [..., out]}. */
    PreparedOp prepareLinear(SparseMatrix w, Tensor x);

    /** Prepares {@code dX = dY·W}: {@code [..., out] → [..., in]}. */
    PreparedOp prepareLinearInputGrad(SparseMatrix w, Tensor dy);

    /** Prepares {@code dW = (dYᵀ·X) ⊙ pattern(W)}, shaped like {@code w.values()}. */
    PreparedOp prepareLinearWeightGrad(SparseMatrix w, Tensor dy, Tensor x);

    /**
     * {@link GemmKernel} on host arrays that runs on this backend, synchronously: on a device it
     * copies the operands in and C out at each call. What {@link Backends#offloadProducts} routes
     * the engine's dense products to; the CPU's is {@link GemmKernel#cpu()}.
     */
    GemmKernel hostGemm();

    /** Waits until every operation queued on this backend has finished (no-op on the CPU). */
    void synchronize();

    /**
     * Milliseconds the backend spends on {@code work} (which queues operations): device events around
     * it on a GPU, wall time on the CPU. Returns once the work has finished.
     */
    double elapsedMillis(Runnable work);

    /** {@code C = A·B} for matrices A m×k and B k×n. */
    default Tensor matmul(Tensor a, Tensor b) {
        return once(prepareMatmul(a, false, b, false));
    }

    /** {@code Y = X·Wᵀ}. */
    default Tensor linear(SparseMatrix w, Tensor x) {
        return once(prepareLinear(w, x));
    }

    /** {@code dX = dY·W}. */
    default Tensor linearInputGrad(SparseMatrix w, Tensor dy) {
        return once(prepareLinearInputGrad(w, dy));
    }

    /** {@code dW = (dYᵀ·X) ⊙ pattern(W)}. */
    default Tensor linearWeightGrad(SparseMatrix w, Tensor dy, Tensor x) {
        return once(prepareLinearWeightGrad(w, dy, x));
    }

    private static Tensor once(PreparedOp op) {
        try (op) {
            op.run();
            return op.result();
        }
    }
}
