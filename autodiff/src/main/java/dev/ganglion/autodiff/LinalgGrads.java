package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
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
     * axes flattened into rows, {@code db = dy} (summed to {@code [out]} by the walk). With
     * {@code intoLeaves}, a leaf weight's {@code dW} goes straight into its kept {@code .grad} buffer
     * ({@link Var#claimGradBuffer}).
     */
    static Tensor[] linear(Node n, Tensor g, boolean intoLeaves) {
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
            // dW straight into a kept .grad buffer (a GEMM with β = 1, or β = 0 over a buffer that
            // stands for zeros) instead of a fresh [out, in] tensor that is then added
            CustomContext.LeafGrad leaf = intoLeaves ? n.inputs[1].claimGradBuffer() : null;
            if (leaf != null) {
                Linalg.matmulInto(gT, x, leaf.buffer(), leaf.accumulate()); // delivered: nothing to hand on
            } else {
                gw = Linalg.matmul(gT, x);
            }
        }
        return n.inputs.length == 3 ? new Tensor[] {gx, gw, g} : new Tensor[] {gx, gw};
    }

    /**
     * BLOCK_DIAGONAL, BSR, CSR ({@code aux} = W, saved {@code (x, values)}): {@code dx = dy·W} and
     * {@code dvalues = (dyᵀ·x) ⊙ pattern(W)} at the stored entries only (SDDMM). With
     * {@code intoLeaves}, a leaf values tensor's gradient goes straight into its kept buffer, as for
     * {@link #linear}'s weight.
     */
    static Tensor[] sparse(Node n, Tensor g, boolean intoLeaves) {
        Tensor x = n.saved(0);
        n.saved(1); // version check of the values the forward used
        SparseMatrix w = (SparseMatrix) n.aux;
        Tensor gx = n.wants(0) ? Tensor.zeros(x.shape(), w.dtype()) : null;
        CustomContext.LeafGrad leaf = intoLeaves && n.wants(1) ? n.inputs[1].claimGradBuffer() : null;
        Shape vs = w.values().shape();
        Tensor gv = leaf != null ? leaf.buffer().reshape(vs.dims()) : n.wants(1) ? Tensor.zeros(vs, w.dtype()) : null;
        // Both products in one call: for a CSR or BSR weight they share one transpose of dy.
        SparseOps.linearBackwardInto(g, x, w, gx, false, gv, leaf != null && leaf.accumulate());
        return new Tensor[] {gx, gv == null || leaf != null ? null : gv.reshape(n.inputs[1].shape().dims())};
    }
}
