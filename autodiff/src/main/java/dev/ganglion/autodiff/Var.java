package dev.ganglion.autodiff;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.ops.Elementwise;

/**
 * A tensor tracked by reverse-mode autodiff: a {@link Tensor} value plus, for results of
 * differentiable ops, the {@link Op} that produced it (define-by-run: the graph is recorded as ops
 * execute).
 *
 * <p>Leaves are created by {@link #parameter} (requires grad: {@link #backward()} accumulates
 * {@code ∂out/∂leaf} into {@link #grad()}) or {@link #constant} (records nothing). A result requires
 * grad when grad mode is on ({@link NoGrad}) and one of its inputs requires grad.
 *
 * <p>Memory: a result holds its producing node, which holds its inputs and the tensors saved for
 * backward. {@link #backward()} releases each node's saved tensors and inputs right after its rule
 * has run, so activations are freed during the walk and the graph is spent afterwards (use
 * {@link Autodiff#backward(Var, Tensor, boolean)} with {@code retainGraph} to walk it twice).
 * Dropping every reference to a result without calling backward frees its graph as well.
 *
 * <p>Not thread-safe: one graph is built and walked by one thread at a time.
 */
public final class Var {
    private final Tensor value;
    final Node node;
    /** Which output of {@link #node} this is. */
    final int index;
    private boolean requiresGrad;
    private Tensor grad;
    /**
     * After {@link #zeroGrad(boolean) zeroGrad(false)}: the kept buffer's contents are stale and
     * stand for zeros. The next gradient delivered is written over them instead of added (no pass
     * to clear the buffer, none to read the zeros back); {@link #grad()} clears it if none came.
     */
    private boolean gradIsZero;

    Var(Tensor value, Node node, int index, boolean requiresGrad) {
        this.value = value;
        this.node = node;
        this.index = index;
        this.requiresGrad = requiresGrad;
    }

    /** A leaf that requires grad: a trainable parameter or an input to differentiate against. */
    public static Var parameter(Tensor value) {
        return new Var(value, null, 0, true);
    }

    /** A leaf that records nothing: data, targets, masks. */
    public static Var constant(Tensor value) {
        return new Var(value, null, 0, false);
    }

    /** A leaf with the given grad requirement. */
    public static Var of(Tensor value, boolean requiresGrad) {
        return new Var(value, null, 0, requiresGrad);
    }

    // ---------------------------------------------------------------- value and metadata

    /** The value (shared, not copied; writing it in place invalidates a pending backward that saved it). */
    public Tensor value() {
        return value;
    }

    /** The value's shape. */
    public Shape shape() {
        return value.shape();
    }

    /** The value's element type. */
    public DType dtype() {
        return value.dtype();
    }

    /** Number of axes. */
    public int rank() {
        return value.rank();
    }

    /** Size of axis {@code i} (negative counts from the end). */
    public int dim(int i) {
        return value.dim(i);
    }

    /** Number of elements (the product of the shape). */
    public int size() {
        return value.size();
    }

    /** The only element of a one-element value. */
    public double item() {
        return value.item();
    }

    /** True for variables created by a factory, false for results of recorded ops. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The op that produced this variable, or null for a leaf or an untracked result. */
    public Op op() {
        return node == null ? null : node.op;
    }

    /** Whether gradients flow to this variable: set on leaves, inherited by results (off under {@link NoGrad}). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Freezes or unfreezes a leaf (a frozen parameter records nothing and receives no gradient).
     *
     * @throws IllegalStateException on a non-leaf, whose requirement follows from its inputs
     */
    public Var setRequiresGrad(boolean requiresGrad) {
        if (node != null) {
            throw new IllegalStateException("setRequiresGrad: only leaves can change it; this is the result of " + node.op);
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    // ---------------------------------------------------------------- gradients

    /** The gradient accumulated by backward passes (same shape and dtype as the value), or null. */
    public Tensor grad() {
        if (gradIsZero) {
            grad.fill(0);
            gradIsZero = false;
        }
        return grad;
    }

    /**
     * {@link #grad()}, or zeros of this value's shape and dtype when no gradient has reached it:
     * what a report of every gradient shows for an input the output does not depend on.
     */
    public Tensor gradOrZeros() {
        Tensor g = grad();
        return g != null ? g : Tensor.zeros(shape(), dtype());
    }

    /** Forgets the accumulated gradient ({@link #grad()} becomes null; the next backward allocates). */
    public void zeroGrad() {
        grad = null;
        gradIsZero = false;
    }

    /**
     * {@code setToNone}: as {@link #zeroGrad()}. Otherwise the gradient becomes zero and its buffer is
     * kept: the next backward writes into it, without allocating, and {@link #grad()} reads zeros until
     * then (PyTorch's {@code zero_grad(set_to_none=False)}). The buffer is not cleared here, only
     * marked: a reference to it taken earlier still shows the old values until {@link #grad()} is
     * called or the next backward writes it (the clearing pass is what this saves).
     */
    public void zeroGrad(boolean setToNone) {
        if (setToNone || grad == null) {
            zeroGrad();
        } else {
            gradIsZero = true;
        }
    }

    /**
     * Replaces the accumulated gradient (e.g. after clipping); null clears it.
     *
     * @throws IllegalArgumentException when the shape or the dtype differs from the value's
     */
    public void setGrad(Tensor grad) {
        if (grad != null && (!grad.shape().equals(shape()) || grad.dtype() != dtype())) {
            throw new IllegalArgumentException("setGrad: gradient " + grad.dtype() + " " + grad.shape() + " for a value "
                    + dtype() + " " + shape());
        }
        this.grad = grad;
        gradIsZero = false;
    }

    /**
     * Claims the kept gradient buffer for a rule that writes this leaf's gradient straight into it:
     * null unless this is a leaf that requires grad, with a kept contiguous buffer of its own shape
     * and dtype (not one from {@link #setGrad} of another layout). Otherwise the buffer, and whether
     * the rule must add into it (it holds gradient already) or overwrite it (it stands for zeros
     * after {@code zeroGrad(false)}); from here on the buffer counts as written.
     */
    CustomContext.LeafGrad claimGradBuffer() {
        if (node != null || !requiresGrad || grad == null || !grad.isContiguous() || grad.dtype() != dtype()
                || !grad.shape().equals(shape())) {
            return null;
        }
        boolean add = !gradIsZero;
        gradIsZero = false;
        return new CustomContext.LeafGrad(grad, add);
    }

    /** {@code grad += g} in place, allocating a contiguous buffer of the value's dtype on first use. */
    void accumulate(Tensor g) {
        Tensor converted = g.to(dtype());
        if (grad == null) {
            grad = converted == g ? g.copy() : converted; // never adopt a tensor a rule may share
        } else if (gradIsZero) {
            grad.copyFrom(converted);
            gradIsZero = false;
        } else if (grad.isContiguous()) {
            Elementwise.applyInto(BinaryOp.ADD, grad, converted, grad);
        } else {
            grad = Elementwise.add(grad, converted); // a strided buffer from setGrad: replace it
        }
    }

    /** {@code out.backward(ones)} for a one-element output: accumulates d out / d leaf into every leaf's grad. */
    public void backward() {
        if (size() != 1) {
            throw new IllegalArgumentException("backward: output of shape " + shape()
                    + " is not a single element; pass the seed gradient with backward(seed)");
        }
        backward(Tensor.full(shape(), 1, dtype()));
    }

    /** Accumulates {@code seed · ∂out/∂leaf} into every leaf that requires grad; spends the graph. */
    public void backward(Tensor seed) {
        Autodiff.backward(this, seed, false);
    }

    /**
     * This variable as {@code dtype}, differentiably ({@link PointwiseOps#to}); itself when it
     * already has that dtype.
     */
    public Var to(DType dtype) {
        return PointwiseOps.to(this, dtype);
    }

    /** A constant sharing this value: gradients stop here. */
    public Var detach() {
        return new Var(value, null, 0, false);
    }

    // ---------------------------------------------------------------- fluent forms of common ops

    /** {@code this + other}, broadcasting ({@link PointwiseOps#add}). */
    public Var add(Var other) {
        return PointwiseOps.add(this, other);
    }

    /** {@code this − other}, broadcasting ({@link PointwiseOps#sub}). */
    public Var sub(Var other) {
        return PointwiseOps.sub(this, other);
    }

    /** {@code this · other} elementwise, broadcasting ({@link PointwiseOps#mul}). */
    public Var mul(Var other) {
        return PointwiseOps.mul(this, other);
    }

    /** {@code this / other} elementwise, broadcasting ({@link PointwiseOps#div}). */
    public Var div(Var other) {
        return PointwiseOps.div(this, other);
    }

    /** {@code s · this} ({@link PointwiseOps#scale}). */
    public Var scale(double s) {
        return PointwiseOps.scale(this, s);
    }

    /** {@code this + s} ({@link PointwiseOps#addScalar}). */
    public Var addScalar(double s) {
        return PointwiseOps.addScalar(this, s);
    }

    /** {@code −this} ({@link PointwiseOps#neg}). */
    public Var neg() {
        return PointwiseOps.neg(this);
    }

    /** {@code eˣ} elementwise ({@link PointwiseOps#exp}). */
    public Var exp() {
        return PointwiseOps.exp(this);
    }

    /** {@code ln x} elementwise ({@link PointwiseOps#log}). */
    public Var log() {
        return PointwiseOps.log(this);
    }

    /** {@code tanh x} elementwise ({@link PointwiseOps#tanh}). */
    public Var tanh() {
        return PointwiseOps.tanh(this);
    }

    /** {@code σ(x) = 1 / (1 + e⁻ˣ)} elementwise ({@link PointwiseOps#sigmoid}). */
    public Var sigmoid() {
        return PointwiseOps.sigmoid(this);
    }

    /** {@code max(x, 0)} elementwise ({@link PointwiseOps#relu}). */
    public Var relu() {
        return PointwiseOps.relu(this);
    }

    /** {@code x²} elementwise ({@link PointwiseOps#square}). */
    public Var square() {
        return PointwiseOps.square(this);
    }

    /** {@code √x} elementwise ({@link PointwiseOps#sqrt}). */
    public Var sqrt() {
        return PointwiseOps.sqrt(this);
    }

    /** {@code |x|} elementwise ({@link PointwiseOps#abs}). */
    public Var abs() {
        return PointwiseOps.abs(this);
    }

    /** {@code ln(1 + x)} elementwise, accurate near 0 ({@link PointwiseOps#log1p}). */
    public Var log1p() {
        return PointwiseOps.log1p(this);
    }

    /** {@code eˣ − 1} elementwise, accurate near 0 ({@link PointwiseOps#expm1}). */
    public Var expm1() {
        return PointwiseOps.expm1(this);
    }

    /** {@code erf x} elementwise, the error function ({@link PointwiseOps#erf}). */
    public Var erf() {
        return PointwiseOps.erf(this);
    }

    /** {@code sin x} elementwise ({@link PointwiseOps#sin}). */
    public Var sin() {
        return PointwiseOps.sin(this);
    }

    /** {@code cos x} elementwise ({@link PointwiseOps#cos}). */
    public Var cos() {
        return PointwiseOps.cos(this);
    }

    /** {@code 1/x} elementwise ({@link PointwiseOps#reciprocal}). */
    public Var reciprocal() {
        return PointwiseOps.reciprocal(this);
    }

    /** {@code x·σ(x)} elementwise ({@link PointwiseOps#silu}). */
    public Var silu() {
        return PointwiseOps.silu(this);
    }

    /** {@code x·Φ(x)} elementwise, the exact gelu ({@link PointwiseOps#gelu(Var)}). */
    public Var gelu() {
        return PointwiseOps.gelu(this);
    }

    /** {@code ln(1 + eˣ)} elementwise, PyTorch's defaults ({@link PointwiseOps#softplus(Var)}). */
    public Var softplus() {
        return PointwiseOps.softplus(this);
    }

    /** {@code max(this, other)} elementwise, broadcasting ({@link PointwiseOps#maximum}). */
    public Var maximum(Var other) {
        return PointwiseOps.maximum(this, other);
    }

    /** {@code min(this, other)} elementwise, broadcasting ({@link PointwiseOps#minimum}). */
    public Var minimum(Var other) {
        return PointwiseOps.minimum(this, other);
    }

    /** {@code thisᵒᵗʰᵉʳ} elementwise, broadcasting, both differentiable ({@link PointwiseOps#pow(Var, Var)}). */
    public Var pow(Var other) {
        return PointwiseOps.pow(this, other);
    }

    /** {@code log Σ eˣ} along {@code axis}, computed stably ({@link ReductionOps#logsumexp}). */
    public Var logsumexp(int axis, boolean keepDims) {
        return ReductionOps.logsumexp(this, axis, keepDims);
    }

    /** {@code min(max(x, lo), hi)} elementwise ({@link PointwiseOps#clamp}). */
    public Var clamp(double lo, double hi) {
        return PointwiseOps.clamp(this, lo, hi);
    }

    /** {@code xᵖ} elementwise for a constant p ({@link PointwiseOps#pow(Var, double)}). */
    public Var pow(double p) {
        return PointwiseOps.pow(this, p);
    }

    /** Matrix product with batch broadcasting, as {@code torch.matmul} ({@link LinalgOps#matmul}). */
    public Var matmul(Var other) {
        return LinalgOps.matmul(this, other);
    }

    /** The sum of all elements, a scalar ({@link ReductionOps#sum(Var)}). */
    public Var sum() {
        return ReductionOps.sum(this);
    }

    /** The sum over {@code axes}, kept as size 1 with {@code keepDims} ({@link ReductionOps#sum(Var, boolean, int...)}). */
    public Var sum(boolean keepDims, int... axes) {
        return ReductionOps.sum(this, keepDims, axes);
    }

    /** The mean of all elements, a scalar ({@link ReductionOps#mean(Var)}). */
    public Var mean() {
        return ReductionOps.mean(this);
    }

    /** The mean over {@code axes}, kept as size 1 with {@code keepDims} ({@link ReductionOps#mean(Var, boolean, int...)}). */
    public Var mean(boolean keepDims, int... axes) {
        return ReductionOps.mean(this, keepDims, axes);
    }

    /** The variance over {@code axes} with Bessel's {@code correction} (PyTorch's default 1) ({@link ReductionOps#var}). */
    public Var var(int correction, boolean keepDims, int... axes) {
        return ReductionOps.var(this, correction, keepDims, axes);
    }

    /** The standard deviation over {@code axes}, as {@link #var} ({@link ReductionOps#std}). */
    public Var std(int correction, boolean keepDims, int... axes) {
        return ReductionOps.std(this, correction, keepDims, axes);
    }

    /** The maximum along {@code axis}; ties share the gradient ({@link ReductionOps#max}). */
    public Var max(int axis, boolean keepDims) {
        return ReductionOps.max(this, axis, keepDims);
    }

    /** The minimum along {@code axis}; ties share the gradient ({@link ReductionOps#min}). */
    public Var min(int axis, boolean keepDims) {
        return ReductionOps.min(this, axis, keepDims);
    }

    /** {@code softmax} along {@code axis} ({@link ReductionOps#softmax}). */
    public Var softmax(int axis) {
        return ReductionOps.softmax(this, axis);
    }

    /** {@code log softmax} along {@code axis} ({@link ReductionOps#logSoftmax}). */
    public Var logSoftmax(int axis) {
        return ReductionOps.logSoftmax(this, axis);
    }

    /** The same elements under another shape; one dimension may be −1 ({@link ViewOps#reshape}). */
    public Var reshape(int... dims) {
        return ViewOps.reshape(this, dims);
    }

    /** Axes {@code a} and {@code b} swapped, a view ({@link ViewOps#transpose}). */
    public Var transpose(int a, int b) {
        return ViewOps.transpose(this, a, b);
    }

    /** Axes reordered, a view ({@link ViewOps#permute}). */
    public Var permute(int... order) {
        return ViewOps.permute(this, order);
    }

    /** Axes {@code startDim..endDim} merged into one ({@link ViewOps#flatten}). */
    public Var flatten(int startDim, int endDim) {
        return ViewOps.flatten(this, startDim, endDim);
    }

    /** Size-1 axes broadcast to {@code dims} (−1 keeps a size), a view ({@link ViewOps#expand(Var, int...)}). */
    public Var expand(int... dims) {
        return ViewOps.expand(this, dims);
    }

    /** A size-1 axis inserted at {@code axis} ({@link ViewOps#unsqueeze}). */
    public Var unsqueeze(int axis) {
        return ViewOps.unsqueeze(this, axis);
    }

    /** The size-1 axis {@code axis} removed ({@link ViewOps#squeeze}). */
    public Var squeeze(int axis) {
        return ViewOps.squeeze(this, axis);
    }

    /**
     * Elements {@code [start, end)} along {@code axis}, a view, the bounds as in Python's
     * {@code x[start:end]} ({@link ViewOps#slice}).
     */
    public Var slice(int axis, int start, int end) {
        return ViewOps.slice(this, axis, start, end, 1);
    }

    /** Index {@code i} along {@code axis}, which is dropped, a view ({@link ViewOps#select}). */
    public Var select(int axis, int i) {
        return ViewOps.select(this, axis, i);
    }

    @Override
    public String toString() {
        return "Var(" + value + (node != null ? ", " + node.op : requiresGrad ? ", leaf" : "") + ")";
    }
}
