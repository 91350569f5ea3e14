package dev.ganglion.autodiff;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Linalg;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;

/** The matmul and linear rules of {@link Gradients}. */
final class LinalgGrads {
    private LinalgGrads() {}

    /**
     * {@code C = A·B}: {@code dA = dC·Bᵀ}, {@code dB = Aᵀ·dC} in the broadcast batch shape (the walk
     * sums over broadcast batch axes). A 1-D operand is promoted to a matrix exactly as the forward
     * does (a row vector on the left, a column on the right) and the promoted axis removed again.
     */
    static Tensor[] matmul(Node n, Tensor g) {
        Tensor a = n.saved(0);
        Tensor b = n.saved(1);
        boolean vecA = a.rank() == 1;
        boolean vecB = b.rank() == 1;
        Tensor a2 = vecA ? a.unsqueeze(0) : a;
        Tensor b2 = vecB ? b.unsqueeze(1) : b;
        Tensor g2 = g;
        if (vecA) {
            g2 = g2.unsqueeze(vecB ? g2.rank() : g2.rank() - 1);
        }
        if (vecB) {
            g2 = g2.unsqueeze(g2.rank());
        }
        Tensor ga = n.wants(0) ? Linalg.matmul(g2, b2.mT()) : null;
        Tensor gb = n.wants(1) ? Linalg.matmul(a2.mT(), g2) : null;
        return new Tensor[] {ga == null || !vecA ? ga : ga.squeeze(-2), gb == null || !vecB ? gb : gb.squeeze(-1)};
    }

    /**
     * {@code y = x·Wᵀ + b}, saved {@code (x, W)}: {@code dx = dy·W}, {@code dW = dy₂ᵀ·x₂} with the leading
     * axes flattened into rows, {@code db = dy} (summed to {@code [out]} by the walk).
     */
    static Tensor[] linear(Node n, Tensor g, Tensor weightGradBuffer) {
        Tensor w = n.saved(1);
        Tensor gx = n.wants(0) ? Linalg.matmul(g, w) : null;
        Tensor gw = null;
        if (n.wants(1)) {
            int rows = 1;
            for (int i = 0; i < g.rank() - 1; i++) {
                rows *= g.dim(i); // explicit, as reshape(−1, …) cannot infer a size next to a 0
            }
            Tensor gT = g.reshape(rows, w.dim(0)).mT();
            Tensor x = n.saved(0).reshape(rows, w.dim(1));
            if (weightGradBuffer != null) {
                Var weight = n.inputs[1];
                Linalg.matmulInto(gT, x, weightGradBuffer, !weight.gradIsZero()); // delivered: nothing to hand on
                weight.gradWritten();
            } else {
                gw = Linalg.matmul(gT, x);
            }
        }
        return n.inputs.length == 3 ? new Tensor[] {gx, gw, g} : new Tensor[] {gx, gw};
    }

    /**
     * The leaf weight's gradient buffer, when a LINEAR node's {@code dW} may go straight into it
     * ({@code dW = dy₂ᵀ·x₂} by a GEMM with β = 1, or β = 0 over a buffer that stands for zeros after
     * an optimizer's {@code zeroGrad(false)}) instead of into a fresh {@code [out, in]} tensor that is
     * then added: a kept, contiguous buffer of the weight's shape and dtype, in a backward that fills
     * {@code .grad}. Else null.
     */
    static Tensor weightGradBuffer(Node n) {
        Var w = n.inputs[1];
        if (w == null || w.node != null || !w.requiresGrad()) {
            return null;
        }
        Tensor buffer = w.gradBuffer();
        return buffer != null && buffer.isContiguous() && buffer.dtype() == w.dtype() && buffer.shape().equals(w.shape())
                ? buffer : null;
    }

    /**
     * BLOCK_DIAGONAL, BSR, CSR ({@code aux} = W, saved {@code (x, values)}): {@code dx = dy·W} and
     * {@code dvalues = (dyᵀ·x) ⊙ pattern(W)} at the stored entries only (SDDMM).
     */
    static Tensor[] sparse(Node n, Tensor g) {
        Tensor x = n.saved(0);
        n.saved(1); // version check of the values the forward used
        SparseMatrix w = (SparseMatrix) n.aux;
        // Both products in one call: for a CSR or BSR weight they share one transpose of dy.
        Tensor gx = n.wants(0) ? Tensor.zeros(x.shape(), w.dtype()) : null;
        Tensor gv = n.wants(1) ? Tensor.zeros(w.values().shape(), w.dtype()) : null;
        SparseOps.linearBackwardInto(g, x, w, gx, false, gv, false);
        return new Tensor[] {gx, gv == null ? null : gv.reshape(n.inputs[1].shape().dims())};
    }
}
