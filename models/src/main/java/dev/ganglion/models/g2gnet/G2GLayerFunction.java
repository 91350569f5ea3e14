package dev.ganglion.models.g2gnet;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;

/**
 * G2GNet's sparse layer as one differentiable op, for a layout whose diagonal blocks have no holes:
 * inputs {@code (x, values [nnz])} or {@code (x, values, b)},
 * <pre>
 *   y  = x·Dᵀ + x·Oᵀ (+ b)           D: block-diagonal over values[0, diagLive),
 *                                     O: off-diagonal CSR over values[diagLive, nnz)
 *   dx = dy·D + dy·O
 *   dvalues = [ (dyᵀ·x) ⊙ pattern(D) ; (dyᵀ·x) ⊙ pattern(O) ]   (SDDMMs at the stored entries)
 *   db = Σ_rows dy
 * </pre>
 * Why fused: written as two sparse products, a sum and a bias add, a layer costs per step two more
 * passes over its {@code [batch, out]} output and two new tensors in forward, and in backward a sum
 * of the two input gradients and two scatters of value-gradient slices into a {@code [nnz]} buffer.
 * Here the second product accumulates into the first one's output (and input gradient), the bias
 * is added in place, and each SDDMM writes its slice of one value gradient directly.
 */
final class G2GLayerFunction implements CustomFunction {
    private final SparseLayout layout;

    G2GLayerFunction(SparseLayout layout) {
        if (layout.holes) {
            throw new IllegalArgumentException("G2GLayerFunction: diagonal blocks with holes need the gather of "
                    + "G2GSparseLayer.apply");
        }
        this.layout = layout;
    }

    @Override
    public String name() {
        return "g2gSparseLayer";
    }

    @Override
    public Tensor[] forward(CustomContext ctx, Tensor... in) {
        Tensor x = in[0];
        Tensor values = in[1].contiguous();
        ctx.save(x, values);
        ctx.setState(in.length > 2); // with a bias
        Tensor y = Tensor.zeros(x.shape().with(-1, layout.out), values.dtype());
        if (layout.diag != null) {
            SparseOps.linearInto(x, diag(values), y, false);
        }
        if (layout.off != null) {
            SparseOps.linearInto(x, off(values), y, layout.diag != null);
        }
        if (in.length > 2) {
            Elementwise.applyInto(BinaryOp.ADD, y, in[2], y);
        }
        return new Tensor[] {y};
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... gradOutputs) {
        Tensor g = gradOutputs[0];
        Tensor x = ctx.saved(0);
        Tensor values = ctx.saved(1);
        Tensor gx = ctx.needsInputGrad(0) ? Tensor.zeros(x.shape(), x.dtype()) : null;
        Tensor gv = ctx.needsInputGrad(1) ? Tensor.zeros(values.shape(), values.dtype()) : null;
        if (layout.diag != null) {
            SparseMatrix d = diag(values);
            SparseOps.linearBackwardInto(g, x, d, gx, false,
                    gv == null ? null : gv.slice(0, 0, layout.diagLive).reshape(d.values().shape().dims()), false);
        }
        if (layout.off != null) {
            // one transpose of dy serves both CSR products
            SparseOps.linearBackwardInto(g, x, off(values), gx, layout.diag != null,
                    gv == null ? null : gv.slice(0, layout.diagLive, layout.nnz), false);
        }
        if (!(Boolean) ctx.state()) {
            return new Tensor[] {gx, gv};
        }
        // db = dy, summed over the rows by the walk (as for a dense linear layer)
        return new Tensor[] {gx, gv, ctx.needsInputGrad(2) ? g : null};
    }

    private SparseMatrix diag(Tensor values) {
        return layout.diag.withValues(values.slice(0, 0, layout.diagLive));
    }

    private SparseMatrix off(Tensor values) {
        return layout.off.withValues(values.slice(0, layout.diagLive, layout.nnz));
    }
}
