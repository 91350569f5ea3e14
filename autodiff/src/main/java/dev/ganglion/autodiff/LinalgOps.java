package dev.ganglion.autodiff;

import static dev.ganglion.autodiff.Graph.record;
import static dev.ganglion.autodiff.Graph.require;
import static dev.ganglion.autodiff.Graph.save;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Linalg;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;

/**
 * Differentiable products: dense ones computed by the engine's {@code Linalg} (the GEMM kernels),
 * sparse ones by the engine's {@code SparseOps} (block-diagonal, BSR and CSR kernels).
 */
public final class LinalgOps {
    private LinalgOps() {}

    /**
     * {@code C = A·B} over the last two axes, batch axes broadcast (NumPy {@code matmul} rules, a
     * 1-D operand is a vector). {@code dA = dC·Bᵀ}, {@code dB = Aᵀ·dC}, summed over broadcast batches.
     */
    public static Var matmul(Var a, Var b) {
        Tensor c = Linalg.matmul(a.value(), b.value());
        return record(Op.MATMUL, c, require("matmul", a, b), save(a.value(), b.value()));
    }

    /**
     * {@code y = x·Wᵀ + b} with {@code x [..., in]}, {@code W [out, in]} (PyTorch layout) and an
     * optional bias {@code b [out]} (null for none). {@code dx = dy·W}, {@code dW = Σ dyᵀ·x} over the
     * leading axes, {@code db = Σ dy}.
     */
    public static Var linear(Var x, Var w, Var bias) {
        Tensor y = Linalg.linear(x.value(), w.value(), bias == null ? null : bias.value());
        Var[] inputs = bias == null ? require("linear", x, w) : require("linear", x, w, bias);
        return record(Op.LINEAR, y, inputs, save(x.value(), w.value()));
    }

    /**
     * {@code h = relu(x·Wᵀ + b)} as one op: {@link #linear}, then the ReLU in place on the output it
     * has just made. Backward: {@code dy = dh ⊙ [h > 0]} (the rule of {@link Var#relu}), then
     * {@link #linear}'s, dy in storage kept from one backward to the next ({@code CallScratch}). The
     * same bits as {@code linear(x, w, bias).relu()}, without the activation's own output, node and
     * gradient: each a new tensor the size of the layer's output, in no cache.
     */
    public static Var linearRelu(Var x, Var w, Var bias) {
        Var[] inputs = bias == null ? require("linearRelu", x, w) : require("linearRelu", x, w, bias);
        Tensor h = Linalg.linear(x.value(), w.value(), bias == null ? null : bias.value());
        Elementwise.applyInto(UnaryOp.RELU, h, 0, 0, h);
        return record(Op.LINEAR_RELU, h, inputs, save(x.value(), w.value(), h));
    }

    /**
     * {@code y = x·Wᵀ} with a sparse {@code W [out, in]}: the stored pattern of {@code pattern} over the
     * values {@code values} (shaped like {@code pattern.values()}: {@code [G, ob, ib]} block-diagonal,
     * {@code [nnzb, r, c]} BSR, {@code [nnz]} CSR; usually a {@link Var#parameter} leaf).
     * {@code dx = dy·W}; {@code dvalues = (dyᵀ·x) ⊙ pattern(W)}, computed only at the stored entries
     * (an SDDMM; never a dense {@code out×in} matrix). The op recorded is {@link Op#BLOCK_DIAGONAL},
     * {@link Op#BSR} or {@link Op#CSR} by the pattern's format; add a bias with {@link PointwiseOps#add}.
     *
     * @throws IllegalArgumentException when the values' shape or dtype does not fit, or x's last axis is not {@code in}
     */
    public static Var sparseLinear(Var x, SparseMatrix pattern, Var values) {
        require("sparseLinear", x, values);
        if (pattern == null) {
            throw new IllegalArgumentException("sparseLinear: pattern is null");
        }
        SparseMatrix w;
        Tensor y;
        try {
            w = pattern.withValues(values.value().contiguous()); // the kernels need contiguous values
            y = SparseOps.linear(x.value(), w);
        } catch (IllegalArgumentException e) {   // named by the engine call that found it: say which call the user made
            throw new IllegalArgumentException("sparseLinear: " + e.getMessage(), e);
        }
        Op op = switch (w) {
            case BlockDiagonal b -> Op.BLOCK_DIAGONAL;
            case Bsr b -> Op.BSR;
            case Csr c -> Op.CSR;
        };
        return Graph.record(op, y, Graph.in(x, values), save(x.value(), values.value()), null, 0, w);
    }
}
