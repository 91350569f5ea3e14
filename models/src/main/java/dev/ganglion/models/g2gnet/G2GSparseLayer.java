package dev.ganglion.models.g2gnet;

import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Layer;
import dev.ganglion.autodiff.nn.MaskedLinear;
import dev.ganglion.autodiff.nn.Rewire;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.engine.kernel.BatchLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * G2GNet's sparse layer {@code S(n_in → n_out)}: {@code y = x·(W ⊙ M)ᵀ + b}, computed as
 * {@code y[outPerm] = x[inPerm]·(D + O)ᵀ}, D the diagonal blocks on the block-diagonal kernel and O
 * the other live connections on the CSR kernel ({@link SparseLayout}); never a masked dense product.
 * The layer is one fused op ({@link G2GLayerFunction}), with or without holes in the blocks.
 *
 * <p>Parameters: {@code weight} (the live values {@code [nnz]} in the layout's order) and
 * {@code bias [n_out]}. The {@link #stateDict() state} is the interchange form of models.md:
 * {@code weight} dense {@code [n_out, n_in]} (0 off the mask), {@code mask} (U8), {@code bias},
 * {@code in_perm} and {@code out_perm} (I32, always stored). The mask is authoritative on load.
 */
public final class G2GSparseLayer extends Layer {
    private final int groups;
    private SparseLayout layout;
    private final Var weight;
    private final Var bias;

    private G2GSparseLayer(SparseLayout layout, float[] values, Tensor bias, int groups) {
        this.groups = groups;
        this.layout = layout;
        this.weight = registerParameter("weight", Tensor.wrap(values, Shape.of(values.length)));
        if (bias.rank() != 1 || bias.dim(0) != layout.out) {
            throw new IllegalArgumentException("G2GSparseLayer: bias of shape " + bias.shape() + "; expected ["
                    + layout.out + "]");
        }
        this.bias = registerParameter("bias", bias.to(DType.F32).copy());
    }

    /**
     * The layer computing {@code x·(weight ⊙ mask)ᵀ + bias} for any mask: {@code weight} and
     * {@code mask} {@code [n_out, n_in]} (mask nonzero = live), {@code bias [n_out]}, the grouping
     * permutations (gather convention) and the group count G that sets the diagonal blocks; laid out
     * for backward passes that want the input gradient (a hidden layer).
     */
    public static G2GSparseLayer fromDense(Tensor weight, Tensor mask, Tensor bias, int[] inPerm, int[] outPerm,
            int groups) {
        return fromDense(weight, mask, bias, inPerm, outPerm, groups, true);
    }

    /**
     * {@link #fromDense(Tensor, Tensor, Tensor, int[], int[], int)} with {@code inputGradient}: whether
     * backward passes will usually want this layer's input gradient (false for the first layer of a
     * network, whose input is data). It picks the order of the {@link #weight() values} that makes
     * the usual passes cheapest and changes no result: with it, the backward pass reads and writes
     * the values in place and the forward pass gathers them; without it, the other way round.
     */
    public static G2GSparseLayer fromDense(Tensor weight, Tensor mask, Tensor bias, int[] inPerm, int[] outPerm,
            int groups, boolean inputGradient) {
        if (weight.rank() != 2 || !weight.shape().equals(mask.shape())) {
            throw new IllegalArgumentException("G2GSparseLayer: weight " + weight.shape() + " and mask "
                    + mask.shape() + "; expected both [n_out, n_in]");
        }
        SparseLayout layout = new SparseLayout(MaskedLinear.binaryMask(mask), weight.dim(0), weight.dim(1), groups,
                inPerm, outPerm, inputGradient);
        return new G2GSparseLayer(layout, layout.values(weight), bias, groups);
    }

    /**
     * {@code x·(W ⊙ M)ᵀ + b} for values {@code [nnz]} laid out by {@code layout} (any dtype the
     * kernels take: the functional form, used by gradient checks in float64); with
     * {@link BatchLayout#FEATURE_MAJOR} operands {@code (W ⊙ M)·xᵀ + b} for {@code xᵀ [n_in, batch]}.
     */
    static Var apply(SparseLayout layout, BatchLayout operands, Var x, Var values, Var bias) {
        return apply(layout, operands, x, values, bias, false);
    }

    /**
     * {@link #apply(SparseLayout, BatchLayout, Var, Var, Var)}, then {@code relu} when asked: inside
     * the layer's op where its outputs need no permutation (index grouping: {@link G2GLayerFunction}
     * says why), as its own op after the permutation and the bias otherwise.
     */
    static Var apply(SparseLayout layout, BatchLayout operands, Var x, Var values, Var bias, boolean relu) {
        boolean featureMajor = operands == BatchLayout.FEATURE_MAJOR;
        int axis = featureMajor ? 0 : x.rank() - 1;
        Var xp = layout.identityIn ? x : IndexOps.indexSelect(x, axis, layout.inPerm);
        // broadcast along the batch axis: a column [n_out, 1] against feature-major yᵀ
        Var b = featureMajor ? bias.reshape(layout.out, 1) : bias;
        if (layout.identityOut) {
            return new G2GLayerFunction(layout, operands, relu).apply(xp, values, b);
        }
        Var y = IndexOps.indexSelect(new G2GLayerFunction(layout, operands, false).apply(xp, values), axis,
                layout.outInverse).add(b);
        return relu ? y.relu() : y;
    }

    @Override
    public Var forward(Var x) {
        if (x.rank() < 1 || x.dim(x.rank() - 1) != layout.in) {
            throw new IllegalArgumentException(this + ": input of shape " + x.shape() + "; expected [..., "
                    + layout.in + "]");
        }
        return apply(layout, BatchLayout.BATCH_MAJOR, x, weight, bias);
    }

    /**
     * The layer on a feature-major batch: {@code xᵀ [n_in, batch] → yᵀ = (W ⊙ M)·xᵀ + b [n_out,
     * batch]}, the transpose of {@link #forward}'s result; a stack of layers keeps this layout
     * between them and reaches the sparse kernels by copies instead of transposes.
     */
    public Var forwardFeatureMajor(Var xt) {
        return forwardFeatureMajor(xt, weight, bias, false);
    }

    /**
     * {@link #forwardFeatureMajor(Var)} with the given values {@code [nnz]} and bias in place of the
     * layer's, and {@code relu} of the result when asked (fused into the layer's op where it can be).
     */
    Var forwardFeatureMajor(Var xt, Var values, Var bias, boolean relu) {
        if (xt.rank() != 2 || xt.dim(0) != layout.in) {
            throw new IllegalArgumentException(this + ": feature-major input of shape " + xt.shape() + "; expected ["
                    + layout.in + ", batch]");
        }
        return apply(layout, BatchLayout.FEATURE_MAJOR, xt, values, bias, relu);
    }

    /** The live values {@code [nnz]}. */
    public Var weight() {
        return weight;
    }

    /** {@code [n_out]}. */
    public Var bias() {
        return bias;
    }

    /** Input features {@code n_in}. */
    public int inFeatures() {
        return layout.in;
    }

    /** Output features {@code n_out}. */
    public int outFeatures() {
        return layout.out;
    }

    /** Group count G (the diagonal blocks). */
    public int groups() {
        return groups;
    }

    /** Live connections. */
    public int nnz() {
        return layout.nnz;
    }

    /** Live connections run on the block-diagonal kernel; the rest ({@code nnz − this}) run as CSR. */
    public int blockDiagonalNnz() {
        return layout.diagLive;
    }

    /** True when some diagonal-block entry is masked off (a hole). */
    public boolean hasHoles() {
        return layout.holes;
    }

    /** The mask, row-major {@code [n_out, n_in]} (a copy). */
    public boolean[] maskArray() {
        return layout.mask();
    }

    /** {@code in_perm} (a copy). */
    public int[] inPerm() {
        return layout.inPerm.clone();
    }

    /** {@code out_perm} (a copy). */
    public int[] outPerm() {
        return layout.outPerm.clone();
    }

    /** {@code W ⊙ M} as a new dense {@code [n_out, n_in]} tensor. */
    public Tensor denseWeight() {
        return layout.dense(weight.value());
    }

    /** The weight gradient as dense {@code [n_out, n_in]} (0 off the mask), or null before backward. */
    public Tensor denseGrad() {
        return weight.grad() == null ? null : layout.dense(weight.grad());
    }

    /** The original entry {@code row·n_in + col} of each position of {@link #weight()}. */
    public int[] liveEntries() {
        return layout.entries();
    }

    /** Parameter position of each original entry {@code row·n_in + col}, −1 where not live. */
    public int[] positions() {
        return layout.positions();
    }

    SparseLayout layout() {
        return layout;
    }

    /**
     * Rewires to {@code newMask} (row-major {@code [n_out, n_in]}, same live count): kept connections
     * keep their values (and gradients), new ones start at 0. Returns for each new parameter position the old one it
     * came from, or −1 for a new connection ({@code Optimizer.remapState(weight(), from)}).
     *
     * @throws IllegalArgumentException when the size or the live count differs
     */
    public int[] rewire(boolean[] newMask) {
        SparseLayout next = new SparseLayout(newMask, layout.out, layout.in, groups, layout.inPerm, layout.outPerm,
                layout.offTransposed);
        if (next.nnz != layout.nnz) {
            throw new IllegalArgumentException(this + ": a mask with " + next.nnz + " live connections for a layer of "
                    + layout.nnz + "; the count is fixed");
        }
        int[] from = layout.sourcesOf(next);
        Rewire.move(weight, from);
        layout = next;
        return from;
    }

    // ---------------------------------------------------------------- interchange state

    @Override
    protected Map<String, Tensor> ownState() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("weight", denseWeight());
        s.put("bias", bias.value());
        s.put("mask", maskTensor(layout.mask(), layout.out, layout.in));
        s.put("in_perm", Tensor.ofInts(layout.inPerm, Shape.of(layout.inPerm.length)));
        s.put("out_perm", Tensor.ofInts(layout.outPerm, Shape.of(layout.outPerm.length)));
        return s;
    }

    static Tensor maskTensor(boolean[] m, int rows, int cols) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = m[i] ? 1f : 0f;
        }
        return Tensor.wrap(f, Shape.of(rows, cols));
    }

    static int[] toInts(Tensor t) {
        double[] d = t.contiguous().toDoubleArray();
        int[] a = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            a[i] = (int) d[i];
        }
        return a;
    }

    /** The weight's gradient as the dense {@code [n_out, n_in]} of the state's weight, 0 off the mask. */
    @Override
    protected Map<String, Tensor> ownStateGradients() {
        Map<String, Tensor> g = super.ownStateGradients();
        g.computeIfPresent("weight", (n, values) -> layout.dense(values));
        return g;
    }

    @Override
    protected Map<String, IntType> ownIntTypes() {
        return Map.of("mask", IntType.U8, "in_perm", IntType.I32, "out_perm", IntType.I32);
    }

    /** The permutations: a checkpoint without them takes the config's groupings (models.md). */
    @Override
    protected Set<String> ownOptionalState() {
        return Set.of("in_perm", "out_perm");
    }

    @Override
    protected void checkOwnState(Map<String, Tensor> entries, List<String> errors) {
        Tensor m = entries.get("mask");
        String problem = m == null ? null : MaskedLinear.storedMaskProblem(m, layout.nnz,
                "build the model from the state instead");
        if (problem != null) {
            errors.add(problem);
        }
    }

    @Override
    protected void loadOwnState(Map<String, Tensor> entries) {
        Tensor dense = entries.containsKey("weight") ? entries.get("weight") : denseWeight();
        boolean[] mask = entries.containsKey("mask") ? MaskedLinear.binaryMask(entries.get("mask")) : layout.mask();
        int[] inPerm = entries.containsKey("in_perm") ? toInts(entries.get("in_perm")) : layout.inPerm;
        int[] outPerm = entries.containsKey("out_perm") ? toInts(entries.get("out_perm")) : layout.outPerm;
        layout = new SparseLayout(mask, layout.out, layout.in, groups, inPerm, outPerm, layout.offTransposed);
        weight.value().copyFrom(Tensor.wrap(layout.values(dense), Shape.of(layout.nnz)));
        if (entries.containsKey("bias")) {
            bias.value().copyFrom(entries.get("bias"));
        }
    }

    @Override
    public String toString() {
        return "G2GSparseLayer(" + layout.in + " → " + layout.out + ", G " + groups + ", " + layout.nnz + " live, "
                + layout.diagLive + " block-diagonal)";
    }
}
