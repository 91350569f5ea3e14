package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.CallScratch;
import dev.ganglion.engine.ops.Reductions;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;

/** The matmul, linear and sparse-product rules of {@link Gradients}. */
final class LinalgGrads {
    private LinalgGrads() {}

    /**
     * {@code C = A·B}: {@code dA = dC·Bᵀ}, {@code dB = Aᵀ·dC} in the broadcast batch shape (the walk
     * sums over broadcast batch axes). A 1-D operand is promoted to a matrix exactly as the forward
     * does (a row vector on the left, a column on the right) and the promoted axis removed again.
     */
    static <T> T[] matmul(GradAlgebra<T> a, Node n, T g) {
        T x = a.saved(n, 0);
        T y = a.saved(n, 1);
        boolean vecA = n.saved(0).rank() == 1;
        boolean vecB = n.saved(1).rank() == 1;
        T x2 = vecA ? a.unsqueeze(x, 0) : x;
        T y2 = vecB ? a.unsqueeze(y, 1) : y;
        T g2 = g;
        int rank = a.shape(g).rank();
        if (vecA) {
            g2 = a.unsqueeze(g2, vecB ? rank : rank - 1);
            rank++;
        }
        if (vecB) {
            g2 = a.unsqueeze(g2, rank);
        }
        T gx = n.wants(0) ? a.matmul(g2, a.mT(y2)) : null;
        T gy = n.wants(1) ? a.matmul(a.mT(x2), g2) : null;
        return Gradients.two(a, gx == null || !vecA ? gx : a.squeeze(gx, -2), gy == null || !vecB ? gy : a.squeeze(gy, -1));
    }

    /**
     * {@code y = x·Wᵀ + b}, saved {@code (x, W)}: {@code dx = dy·W}, {@code dW = dy₂ᵀ·x₂} with the leading
     * axes flattened into rows, {@code db = dy} (summed to {@code [out]} by the walk). With
     * {@code intoLeaves}, a leaf weight's {@code dW} may go straight into its kept {@code .grad} buffer
     * ({@link GradAlgebra#matmulForLeaf}).
     */
    static <T> T[] linear(GradAlgebra<T> a, Node n, T g, boolean intoLeaves) {
        T w = a.saved(n, 1);
        Shape ws = n.saved(1).shape();
        T gx = n.wants(0) ? a.matmulForInput(g, w) : null;
        T gw = null;
        if (n.wants(1)) {
            Shape gs = a.shape(g);
            int rows = 1;
            for (int i = 0; i < gs.rank() - 1; i++) {
                rows *= gs.dim(i); // explicit, as reshape(−1, …) cannot infer a size next to a 0
            }
            T gT = a.mT(a.reshape(g, rows, ws.dim(0)));
            T x = a.reshape(a.saved(n, 0), rows, ws.dim(1));
            gw = a.matmulForLeaf(gT, x, n.inputs[1], intoLeaves);
        }
        if (n.inputs.length == 3) {
            T[] r = a.array(3);
            r[0] = gx;
            r[1] = gw;
            r[2] = g;
            return r;
        }
        return Gradients.two(a, gx, gw);
    }

    /**
     * LINEAR_RELU on tensors, saved {@code (x, W, h)}: {@code dy = dh ⊙ [h > 0]} in call-scoped
     * storage ({@link CallScratch#reluGrad}), then {@link #linear}'s rule; {@code db}, which the walk
     * would sum from dy after this call, summed here the same way ({@link Reductions#sumToLastAxis}).
     */
    static Tensor[] linearRelu(Node n, Tensor dh, boolean intoLeaves) {
        return CallScratch.reluGrad(dh, n.saved(2), dy -> {
            Tensor[] grads = linear(TensorAlgebra.INSTANCE, n, dy, intoLeaves);
            if (grads.length > 2 && grads[2] != null) {
                grads[2] = Reductions.sumToLastAxis(dy);
            }
            return grads;
        });
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
        Tensor gx = n.wants(0) ? GradientLoans.inputGradBuffer(x.shape(), w.dtype()) : null; // overwritten below
        CustomContext.LeafGrad leaf = intoLeaves && n.wants(1) ? n.inputs[1].claimGradBuffer() : null;
        Shape vs = w.values().shape();
        Tensor gv = leaf != null ? leaf.buffer().reshape(vs.dims()) : n.wants(1) ? Tensor.zeros(vs, w.dtype()) : null;
        // Both products in one call: for a CSR or BSR weight they share one transpose of dy.
        SparseOps.linearBackwardInto(g, x, w, gx, false, gv, leaf != null && leaf.accumulate());
        return new Tensor[] {gx, gv == null || leaf != null ? null : gv.reshape(n.inputs[1].shape().dims())};
    }
}
