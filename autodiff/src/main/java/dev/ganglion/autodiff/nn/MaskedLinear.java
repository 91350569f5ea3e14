package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.engine.sparse.Csr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dense-looking layer with a connection mask, {@code y = x·(W ⊙ M)ᵀ + b}, stored and computed
 * sparsely: the live connections ({@code M ≠ 0}) are a CSR matrix run on the CSR kernels through
 * autodiff, so the weight gradient exists only at live connections (never a masked dense product).
 *
 * <p>Parameters: {@code weight} (the live values {@code [nnz]}, in row-major order of their
 * positions) and {@code bias [out]}. Its {@link #stateDict() state} shows the interchange form
 * instead: {@code weight} dense {@code [out, in]} (zeros off the mask), {@code mask} {@code [out, in]}
 * (0/1, stored as U8 in checkpoints) and {@code bias}. The mask is authoritative on load: stale
 * values where it is 0 are ignored; it may move connections but not change their count (build a
 * new layer with {@link #fromDense} for that). Optimizer state of {@code weight} is in the
 * {@code [nnz]} layout.
 *
 * <p>Dynamic sparse training: {@link #setMask} rewires in place and returns where each new
 * connection's value came from, for {@code Optimizer.remapState}.
 */
public final class MaskedLinear extends Layer {
    private final int in;
    private final int out;
    private Csr pattern;
    private final Var weight;
    private final Var bias;

    private MaskedLinear(Csr initial, Tensor bias) {
        this.out = initial.rows();
        this.in = initial.cols();
        this.pattern = initial;
        this.weight = registerParameter("weight", initial.values());
        this.bias = bias == null ? null : registerParameter("bias", SparseLayers.checkBias(this, bias, out, initial.dtype()));
    }

    /**
     * The layer computing {@code x·(weight ⊙ mask)ᵀ + bias}: {@code weight} and {@code mask}
     * {@code [out, in]} (mask 1 = live, 0 = none: the rule a stored mask is loaded by,
     * {@link #binaryMask}), {@code biasOrNull [out]} of the weight's dtype; values copied, in the
     * weight's dtype (float32, or float64 for gradient checks). A live zero weight stays a live
     * connection.
     */
    public static MaskedLinear fromDense(Tensor weight, Tensor mask, Tensor biasOrNull) {
        if (weight.rank() != 2 || !weight.shape().equals(mask.shape())) {
            throw new IllegalArgumentException("MaskedLinear: weight " + weight.shape() + " and mask " + mask.shape()
                    + "; expected both [out, in]");
        }
        requireBinary(mask);   // a 2 was taken as live here, and the saved layer then refused at load
        return new MaskedLinear(Csr.fromDense(weight, mask), biasOrNull);
    }

    /**
     * PyTorch's default init of the dense layer ({@code W, b ~ U(±1/√in)}, all of W drawn, then
     * weight and bias), masked by {@code mask [out, in]}.
     */
    public static MaskedLinear create(Tensor mask, boolean bias, Rng rng) {
        if (mask.rank() != 2) {
            throw new IllegalArgumentException("MaskedLinear: mask of shape " + mask.shape() + "; expected [out, in]");
        }
        int o = mask.dim(0);
        int i = mask.dim(1);
        Tensor w = Init.fanIn(rng, i, o, i);
        return fromDense(w, mask, bias ? Init.fanIn(rng, i, o) : null);
    }

    /** The live values {@code [nnz]}. */
    public Var weight() {
        return weight;
    }

    /** {@code [out]}, or null. */
    public Var bias() {
        return bias;
    }

    /** Number of live connections. */
    public int nnz() {
        return pattern.nnz();
    }

    /** The current weight as a {@link Csr} sharing the parameter's values. */
    public Csr matrix() {
        return pattern.withValues(weight.value());
    }

    /** {@code W ⊙ M} as a new dense {@code [out, in]} tensor. */
    public Tensor denseWeight() {
        return matrix().toDense();
    }

    /** The mask as a new 0/1 float tensor {@code [out, in]}. */
    public Tensor mask() {
        return pattern.patternMask();
    }

    /** The weight gradient in dense form {@code [out, in]} (zero off the mask), or null before any backward. */
    public Tensor denseGrad() {
        return weight.grad() == null ? null : dense(weight.grad());
    }

    @Override
    public Var forward(Var x) {
        Shapes.checkLastAxis(this, x, in);
        return SparseLayers.addBias(LinalgOps.sparseLinear(x, pattern, weight), bias);
    }

    /**
     * Rewires the layer to {@code newMask [out, in]} (same number of live connections): connections
     * kept keep their values (and gradients), new ones start at 0, dropped ones are forgotten. Returns, for each
     * new position in {@link #weight()}, the old position its value came from, or −1 for a new
     * connection: what {@code Optimizer.remapState(weight(), from)} takes.
     *
     * @throws IllegalArgumentException when the shape or the number of live connections differs
     */
    public int[] setMask(Tensor newMask) {
        Csr next = checkedPattern(newMask);
        int[] from = Rewire.sources(pattern, next);
        Rewire.move(weight, from);
        pattern = next;
        return from;
    }

    private Csr checkedPattern(Tensor newMask) {
        if (!newMask.shape().equals(pattern.patternMask().shape())) {
            throw new IllegalArgumentException(this + ": mask of shape " + newMask.shape() + "; expected [" + out + ", " + in + "]");
        }
        requireBinary(newMask);
        Csr next = Csr.fromMask(newMask, DType.F32);
        if (next.nnz() != pattern.nnz()) {
            throw new IllegalArgumentException(this + ": mask with " + next.nnz() + " live connections for a layer of "
                    + pattern.nnz() + "; the count is fixed (build a new layer with MaskedLinear.fromDense)");
        }
        return next;
    }

    // ---------------------------------------------------------------- state in interchange form

    /** The weight's gradient as the dense {@code [out, in]} of the state's weight, 0 off the mask. */
    @Override
    protected Map<String, Tensor> ownStateGradients() {
        Map<String, Tensor> g = super.ownStateGradients();
        g.computeIfPresent("weight", (n, values) -> dense(values));
        return g;
    }

    /** Values in the pattern's order as the dense {@code [out, in]} matrix, 0 off the mask. */
    private Tensor dense(Tensor values) {
        return pattern.withValues(values.contiguous()).toDense();
    }

    @Override
    protected Map<String, Tensor> ownState() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("weight", denseWeight());
        s.put("mask", mask());
        if (bias != null) {
            s.put("bias", bias.value());
        }
        return s;
    }

    @Override
    protected Map<String, IntType> ownIntTypes() {
        return Map.of("mask", IntType.U8);
    }

    @Override
    protected void checkOwnState(Map<String, Tensor> entries, List<String> errors) {
        Tensor m = entries.get("mask");
        String problem = m == null ? null : storedMaskProblem(m, pattern.nnz(),
                "the count is fixed; build the layer from the state with MaskedLinear.fromDense");
        if (problem != null) {
            errors.add(problem);
        }
    }

    /**
     * What is wrong with a mask about to be loaded into a layer of {@code nnz} live connections, or
     * null: a value other than 0 or 1 ({@link #binaryMask}), or another live count ({@code remedy}
     * says what to do instead). The check of every masked layer's stored mask.
     */
    public static String storedMaskProblem(Tensor mask, int nnz, String remedy) {
        boolean[] live;
        try {
            live = binaryMask(mask);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        int count = 0;
        for (boolean b : live) {
            count += b ? 1 : 0;
        }
        return count == nnz ? null : "mask has " + count + " live connections, the layer " + nnz + " (" + remedy + ")";
    }

    /** {@link #binaryMask}'s rule for a mask given to this layer, its message naming the layer. */
    private static void requireBinary(Tensor mask) {
        try {
            binaryMask(mask);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MaskedLinear: " + e.getMessage(), e);
        }
    }

    /**
     * A mask in interchange form as booleans, row-major; a value other than 0 or 1 is refused (a 2
     * would otherwise count as a live connection, not as 2·W): the one place of this rule, for every
     * masked layer.
     */
    public static boolean[] binaryMask(Tensor mask) {
        double[] values = mask.contiguous().toDoubleArray();
        boolean[] live = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0 && values[i] != 1) {
                throw new IllegalArgumentException("mask element " + i + " of " + mask.shape() + " is " + values[i]
                        + "; a mask holds 0 (no connection) or 1");
            }
            live[i] = values[i] != 0;
        }
        return live;
    }

    @Override
    protected void loadOwnState(Map<String, Tensor> entries) {
        Tensor dense = entries.containsKey("weight") ? entries.get("weight") : denseWeight();
        if (entries.containsKey("mask")) {
            pattern = Csr.fromMask(entries.get("mask"), DType.F32);
        }
        Tensor values = Csr.fromDense(dense.to(weight.value().dtype()), pattern.patternMask()).values();
        weight.value().copyFrom(values);
        if (bias != null && entries.containsKey("bias")) {
            bias.value().copyFrom(entries.get("bias"));
        }
    }

    @Override
    public String toString() {
        return "MaskedLinear(" + in + " → " + out + ", " + pattern.nnz() + " live)";
    }
}
