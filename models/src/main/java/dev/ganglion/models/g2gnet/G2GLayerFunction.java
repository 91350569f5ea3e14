package dev.ganglion.models.g2gnet;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.ops.CallScratch;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Reductions;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;

/**
 * G2GNet's sparse layer as one differentiable op: inputs {@code (x, values [nnz])} or
 * {@code (x, values, b)},
 * <pre>
 *   y  = x·Dᵀ + x·Oᵀ (+ b)           D: block-diagonal, its live entries values[0, diagLive), 0 at holes,
 *                                     O: off-diagonal CSR over values[diagLive, nnz) (or Oᵀ, its
 *                                        values in O's column order: SparseLayout#offTransposed)
 *   dx = dy·D + dy·O
 *   dvalues = [ (dyᵀ·x) at the live entries of D ; (dyᵀ·x) ⊙ pattern(O) ]   (SDDMMs at the stored entries)
 *   db = Σ_rows dy
 * </pre>
 * With the ReLU fused ({@code relu}), the op is {@code h = relu(y)}: the last product applies the
 * bias and the activation to each output row as it writes it ({@code SparseOps.linearInto} with a
 * bias and a ReLU), and the backward first turns {@code dh} into
 * {@code dy = dh ⊙ [h > 0]} (the bits of {@code Var.relu}'s own rule) and goes on as above.
 * Without holes (a mask whose diagonal blocks are full) the block values are {@code values[0,
 * diagLive)} themselves; with holes (after pruning) they are scattered from the live ones with a 0
 * at each hole ({@link SparseLayout#blockValues}), and the block weight gradient is computed whole
 * and its live entries written to their positions ({@link SparseLayout#liveBlockEntries}): no
 * gradient reaches a masked weight.
 *
 * <p>Why fused: written as two sparse products, a sum and a bias add, a layer costs per step two more
 * passes over its {@code [batch, out]} output and two new tensors in forward, and in backward a sum
 * of the two input gradients and two scatters of value-gradient slices into a {@code [nnz]} buffer.
 * Here the second product accumulates into the first one's output (and input gradient) and adds
 * the bias as it does, each SDDMM writes its slice of one value gradient directly, and dx goes into
 * storage the backward walk lends ({@code CustomContext.inputGradBuffer}).
 *
 * <p>Why the ReLU fused: as an op of its own, the activation's new {@code [batch, out]} output, its
 * extra pass and its autograd node cost a G2GNet step (batch 64, H = 1,024, 1 thread) 3.5 % more
 * ({@code scripts/step-ab.sh}, the two forms alternating in one JVM, the same bits).
 *
 * <p>With {@link BatchLayout#FEATURE_MAJOR} operands x, y and their gradients are transposed
 * ({@code xᵀ [n_in, batch] → yᵀ [n_out, batch]}, the bias given as a column {@code [n_out, 1]}):
 * the layout a stack of these layers keeps between layers ({@link G2GNet}), which reaches the
 * kernels' panels by copies instead of transposes.
 */
final class G2GLayerFunction implements CustomFunction {
    private final SparseLayout layout;
    private final BatchLayout operands;
    private final boolean relu;

    /** The layer, its ReLU fused when {@code relu}. */
    G2GLayerFunction(SparseLayout layout, BatchLayout operands, boolean relu) {
        this.layout = layout;
        this.operands = operands;
        this.relu = relu;
    }

    @Override
    public String name() {
        return relu ? "g2gSparseLayerRelu" : "g2gSparseLayer";
    }

    @Override
    public Tensor[] forward(CustomContext ctx, Tensor... in) {
        Tensor x = in[0].contiguous(); // once, for the products of both passes
        Tensor values = in[1].contiguous();
        Tensor blockValues = layout.diag == null ? null
                : layout.holes ? layout.blockValues(values) : values.slice(0, 0, layout.diagLive);
        ctx.save(x, values);
        if (blockValues != null) {
            ctx.save(blockValues); // saved(2)
        }
        ctx.setState(in.length > 2); // with a bias
        Shape ys = operands == BatchLayout.FEATURE_MAJOR ? Shape.of(layout.out, x.dim(1)) : x.shape().with(-1, layout.out);
        Tensor y = Tensor.zeros(ys, values.dtype());
        // The block GEMMs first, the CSR product adding to their output as it unpacks its panel and
        // finishing each row there (bias, ReLU), instead of a bias pass and a ReLU pass over y after
        // the products. The same bits as the other order: one addition of the two products (blocks
        // up to 256 deep, one GEMM k slice), then the bias.
        Tensor bias = in.length > 2 ? in[2] : null; // [n_out], or [n_out, 1] feature-major
        boolean offLast = layout.off != null; // the last product finishes the rows
        if (layout.diag != null) {
            SparseOps.linearInto(operands, x, diag(blockValues), y, false, offLast ? null : bias, !offLast && relu);
        }
        if (offLast) {
            boolean added = layout.diag != null;
            if (layout.offTransposed) {
                SparseOps.linearTransposedInto(operands, x, off(values), y, added, bias, relu);
            } else {
                SparseOps.linearInto(operands, x, off(values), y, added, bias, relu);
            }
        }
        if (layout.diag == null && layout.off == null) { // no live weight: y = f(0 + b)
            if (bias != null) {
                Elementwise.applyInto(BinaryOp.ADD, y, bias, y);
            }
            if (relu) {
                Elementwise.applyInto(UnaryOp.RELU, y, 0, 0, y);
            }
        }
        if (relu) {
            ctx.save(y); // the last one saved: the backward's mask
        }
        return new Tensor[] {y};
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... gradOutputs) {
        if (!relu) {
            return backward(ctx, gradOutputs[0]);
        }
        // dy in call-scoped storage (a new [batch, out] each time cost the G2GNet step 3.6 %,
        // scripts/step-ab.sh); the bias gradient, which the walk would sum from dy after this call,
        // is therefore summed here, the same way
        return CallScratch.reluGrad(gradOutputs[0], ctx.saved(activatedSlot()), dy -> {
            Tensor[] grads = backward(ctx, dy);
            if (grads.length > 2 && grads[2] != null) {
                grads[2] = biasGradient(dy);
            }
            return grads;
        });
    }

    /**
     * {@code db = Σ dy} over the batch axes, shaped as the bias the function took ({@code [out, 1]}
     * feature-major, {@code [out]} batch-major): the sum the walk does ({@code Backward.sumTo}), the
     * same axes kept and the same bits, into a new tensor.
     */
    private Tensor biasGradient(Tensor dy) {
        return operands == BatchLayout.FEATURE_MAJOR ? Reductions.sum(dy, true, 1) : Reductions.sumToLastAxis(dy);
    }

    /** The layer's backward from {@code dy}, the gradient of the pre-activation output. */
    private Tensor[] backward(CustomContext ctx, Tensor g) {
        Tensor x = ctx.saved(0);
        Tensor values = ctx.saved(1);
        // dx storage lent by the walk (its values unspecified: the first product below overwrites it)
        boolean written = layout.off != null || layout.diag != null; // else dx = 0, no product writes it
        Tensor gx = !ctx.needsInputGrad(0) ? null
                : written ? ctx.inputGradBuffer(0) : Tensor.zeros(x.shape(), x.dtype());
        // The value gradient goes straight into the parameter's kept .grad buffer when there is one
        // (no [nnz] temporary, no pass adding it there); addV: that buffer holds gradient already.
        CustomContext.LeafGrad leaf = ctx.needsInputGrad(1) ? ctx.leafGrad(1) : null;
        Tensor gv = leaf != null ? leaf.buffer()
                : ctx.needsInputGrad(1) ? Tensor.zeros(values.shape(), values.dtype()) : null;
        boolean addV = leaf != null && leaf.accumulate();
        if (layout.off != null) { // first, as in forward
            Tensor gOff = gv == null ? null : gv.slice(0, layout.diagLive, layout.nnz);
            if (layout.offTransposed) {
                SparseOps.linearTransposedBackwardInto(operands, g, x, off(values), gx, false, gOff, addV);
            } else {
                SparseOps.linearBackwardInto(operands, g, x, off(values), gx, false, gOff, addV);
            }
        }
        if (layout.diag != null) {
            SparseMatrix d = diag(ctx.saved(2));
            Tensor gd = gv == null ? null
                    : layout.holes ? Tensor.zeros(d.values().shape(), values.dtype())
                    : gv.slice(0, 0, layout.diagLive).reshape(d.values().shape().dims());
            SparseOps.linearBackwardInto(operands, g, x, d, gx, layout.off != null, gd, addV && !layout.holes);
            if (gd != null && layout.holes) {
                layout.liveBlockEntries(gd, gv, addV);
            }
        }
        Tensor gvOut = leaf != null ? null : gv; // delivered already when written into the buffer
        if (!(Boolean) ctx.state()) {
            return new Tensor[] {gx, gvOut};
        }
        // db = dy, summed over the batch axes down to the bias's shape by the walk (as for a dense
        // linear layer)
        return new Tensor[] {gx, gvOut, ctx.needsInputGrad(2) ? g : null};
    }

    /**
     * The backward as recorded ops, so that the layer can be differentiated twice ({@code
     * Autodiff.gradGraph}): in the function's coordinates, with x and dy as batch rows,
     * <pre>
     *   dx = dy·W                       one CSR product over Wᵀ's pattern (all live entries, the
     *                                   block ones included), the values gathered into its order
     *   dvalues[p] = Σ_b dy[b, rows[p]]·x[b, cols[p]]      gathers and a product over [batch, nnz]
     *   db = dy                         summed to the bias's shape by the walk
     * </pre>
     * Slower than {@link #backward} and a {@code [batch, nnz]} temporary, but never a dense weight,
     * and every op in it has its own recorded rule.
     */
    @Override
    public Var[] backwardGraph(CustomContext ctx, Var[] in, Var[] gradOutputs) {
        boolean featureMajor = operands == BatchLayout.FEATURE_MAJOR;
        SparseLayout.LiveEntries e = layout.liveEntries();
        Var x = in[0];
        Var values = in[1];
        Var g = gradOutputs[0];
        if (relu) {
            g = PointwiseOps.reluGrad(g, ctx.saved(activatedSlot()));
        }
        Var xRows = featureMajor ? x.transpose(0, 1) : x.reshape(-1, layout.in);
        Var gRows = featureMajor ? g.transpose(0, 1) : g.reshape(-1, layout.out);
        Var gx = null;
        if (x.requiresGrad()) {
            Var dx = LinalgOps.sparseLinear(gRows, e.transposed(),
                    IndexOps.indexSelect(values, 0, e.transposedOrder()));
            gx = featureMajor ? dx.transpose(0, 1) : dx.reshape(x.shape().dims());
        }
        Var gv = !values.requiresGrad() ? null
                : IndexOps.indexSelect(gRows, 1, e.rows()).mul(IndexOps.indexSelect(xRows, 1, e.cols())).sum(false, 0);
        if (in.length == 2) {
            return new Var[] {gx, gv};
        }
        return new Var[] {gx, gv, in[2].requiresGrad() ? g : null};
    }

    /** Where forward saved its activated output: after x, the values and the block values (if any). */
    private int activatedSlot() {
        return layout.diag == null ? 2 : 3;
    }

    /** The diagonal blocks with the given block values (live entries, 0 at holes). */
    private SparseMatrix diag(Tensor blockValues) {
        return layout.diag.withValues(blockValues);
    }

    private SparseMatrix off(Tensor values) {
        return layout.off.withValues(values.slice(0, layout.diagLive, layout.nnz));
    }
}
