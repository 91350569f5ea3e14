package dev.ganglion.autodiff;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Indexing;
import dev.ganglion.engine.sparse.SparseMatrix;
import java.util.function.IntUnaryOperator;

/**
 * The rules over recorded {@link Var}s: a backward whose every step is an op of the graph, so the
 * gradients it returns can be differentiated again ({@link Autodiff#gradGraph}). The fused pointwise
 * rules are composed of differentiable ops with the derivative the engine's kernel computes; the
 * adjoints of views and indexing (written into zeros) are scatter-adds, whose own rule is a gather.
 */
final class VarAlgebra implements GradAlgebra<Var> {
    static final VarAlgebra INSTANCE = new VarAlgebra();

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    /** √(2/π) and the cubic coefficient of the tanh form of gelu. */
    private static final double K = Math.sqrt(2 / Math.PI);
    private static final double KAPPA = 0.044715;

    private VarAlgebra() {}

    @Override
    public Var[] array(int n) {
        return new Var[n];
    }

    @Override
    public Tensor value(Var x) {
        return x.value();
    }

    @Override
    public Var constant(Tensor t) {
        return Var.constant(t);
    }

    /** The input or output of {@code n} whose value saved tensor {@code i} is. */
    @Override
    public Var saved(Node n, int i) {
        Tensor t = n.saved(i);
        for (Var v : n.inputs) {
            if (v != null && v.value() == t) {
                return v;
            }
        }
        Var out = n.savedOutput(i);
        if (out == null) {
            throw new UnsupportedOperationException("gradGraph: the backward of " + n.op + " cannot be recorded (its "
                    + "rule reads a tensor the forward derived from its inputs); take this gradient with Autodiff.grad");
        }
        return out;
    }

    @Override
    public Var neg(Var x) {
        return PointwiseOps.neg(x);
    }

    @Override
    public Var exp(Var x) {
        return PointwiseOps.exp(x);
    }

    @Override
    public Var log(Var x) {
        return PointwiseOps.log(x);
    }

    @Override
    public Var sin(Var x) {
        return PointwiseOps.sin(x);
    }

    @Override
    public Var cos(Var x) {
        return PointwiseOps.cos(x);
    }

    @Override
    public Var sigmoid(Var x) {
        return PointwiseOps.sigmoid(x);
    }

    @Override
    public Var square(Var x) {
        return PointwiseOps.square(x);
    }

    @Override
    public Var scale(Var x, double s) {
        return PointwiseOps.scale(x, s);
    }

    @Override
    public Var addScalar(Var x, double s) {
        return PointwiseOps.addScalar(x, s);
    }

    @Override
    public Var pow(Var x, double p) {
        return PointwiseOps.pow(x, p);
    }

    @Override
    public Var add(Var a, Var b) {
        return PointwiseOps.add(a, b);
    }

    @Override
    public Var sub(Var a, Var b) {
        return PointwiseOps.sub(a, b);
    }

    @Override
    public Var mul(Var a, Var b) {
        return PointwiseOps.mul(a, b);
    }

    @Override
    public Var div(Var a, Var b) {
        return PointwiseOps.div(a, b);
    }

    @Override
    public Var pow(Var a, Var b) {
        return PointwiseOps.pow(a, b);
    }

    @Override
    public Var where(Tensor cond, Var a, Var b) {
        return PointwiseOps.where(cond, a, b);
    }

    @Override
    public Var to(Var x, DType dtype) {
        return PointwiseOps.to(x, dtype);
    }

    /** 0 where {@code y ≤ 0}, else g (a NaN y passes g), as the engine's kernel. */
    @Override
    public Var reluGrad(Var g, Var y) {
        return PointwiseOps.reluGrad(g, y.value());
    }

    /** {@code g·(Φ(x) + x·φ(x))} with {@code Φ(x) = (1 + erf(x/√2))/2}, {@code φ(x) = e^{−x²/2}/√(2π)}. */
    @Override
    public Var geluGrad(Var g, Var x) {
        Var cdf = scale(addScalar(PointwiseOps.erf(scale(x, SQRT_HALF)), 1), 0.5);
        Var pdf = scale(exp(scale(square(x), -0.5)), INV_SQRT_2PI);
        return mul(g, add(cdf, mul(x, pdf)));
    }

    /** {@code g·(σ(2u) + 2x·σ(2u)·σ(−2u)·√(2/π)·(1 + 3·0.044715·x²))}, {@code u = √(2/π)(x + 0.044715x³)}. */
    @Override
    public Var geluTanhGrad(Var g, Var x) {
        Var twiceU = scale(add(x, scale(pow(x, 3), KAPPA)), 2 * K);
        Var s = sigmoid(twiceU);
        Var inner = scale(addScalar(scale(square(x), 3 * KAPPA), 1), 2 * K);
        return mul(g, add(s, mul(mul(mul(x, s), sigmoid(neg(twiceU))), inner)));
    }

    @Override
    public Var sum(Var x, boolean keepDims, int... axes) {
        return ReductionOps.sum(x, keepDims, axes);
    }

    @Override
    public Var reshape(Var x, int... dims) {
        return ViewOps.reshape(x, dims);
    }

    @Override
    public Var permute(Var x, int... order) {
        return ViewOps.permute(x, order);
    }

    @Override
    public Var transpose(Var x, int a, int b) {
        return ViewOps.transpose(x, a, b);
    }

    @Override
    public Var unsqueeze(Var x, int axis) {
        return ViewOps.unsqueeze(x, axis);
    }

    @Override
    public Var squeeze(Var x, int axis) {
        return ViewOps.squeeze(x, axis);
    }

    @Override
    public Var expand(Var x, int... dims) {
        return ViewOps.expand(x, dims);
    }

    @Override
    public Var slice(Var x, int axis, int start, int end) {
        return ViewOps.slice(x, axis, start, end, 1);
    }

    @Override
    public Var mT(Var x) {
        return ViewOps.mT(x);
    }

    @Override
    public Var matmul(Var a, Var b) {
        return LinalgOps.matmul(a, b);
    }

    @Override
    public Var matmulForLeaf(Var a, Var b, Var leaf, boolean intoLeaves) {
        return matmul(a, b);
    }

    @Override
    public Var matmulForInput(Var a, Var b) {
        return matmul(a, b);
    }

    @Override
    public Var concat(int axis, Var[] parts) {
        return IndexOps.concat(axis, parts);
    }

    @Override
    public Var unslice(Var g, Shape shape, int axis, int start, int step) {
        return scatterInto(shape, axis, i -> start + i * step, g);
    }

    @Override
    public Var indexAdd(Var src, Shape shape, int axis, int[] index) {
        return scatterInto(shape, axis, i -> index[i], src);
    }

    @Override
    public Var scatterAdd(Var target, int axis, int[] index, Shape indexShape, Var src) {
        return IndexOps.scatterAdd(target, axis, index, indexShape, src);
    }

    @Override
    public Var gather(Var x, int axis, int[] index, Shape indexShape) {
        return IndexOps.gather(x, axis, index, indexShape);
    }

    /**
     * Zeros of {@code shape} with slice i of {@code src} along {@code axis} added at position
     * {@code at(i)}: a scatter-add, whose own rule is a gather.
     */
    private Var scatterInto(Shape shape, int axis, IntUnaryOperator at, Var src) {
        return scatterAdd(zeros(shape, src.dtype()), axis, alongAxis(src.shape(), axis, at), src.shape(), src);
    }

    /**
     * A scatter index of {@code shape} (row-major) whose entry at position p is {@code at(p[axis])}:
     * every slice along the axis goes to one place.
     */
    private static int[] alongAxis(Shape shape, int axis, IntUnaryOperator at) {
        int a = shape.axis(axis, "gradGraph");
        int len = shape.dim(a);
        int inner = 1;
        for (int d = a + 1; d < shape.rank(); d++) {
            inner *= shape.dim(d);
        }
        int[] index = new int[shape.size()];
        for (int p = 0; p < index.length; p++) {
            index[p] = at.applyAsInt(p / inner % len);
        }
        return index;
    }

    @Override
    public Var[] fused(Node n, Var[] gs, boolean intoLeaves) {
        return switch (n.op) {
            case CROSS_ENTROPY -> new Var[] {crossEntropy(n, gs[0])};
            case LAYER_NORM -> layerNorm(n, gs[0]);
            case LINEAR_RELU -> LinalgGrads.linear(this, n, reluGrad(gs[0], saved(n, 2)), false);
            case BLOCK_DIAGONAL, BSR, CSR -> sparse(n, gs[0]);
            case CUSTOM -> CustomContext.backwardGraph(n, gs);
            default -> throw new IllegalArgumentException("autodiff: " + n.op + " is not a fused op");
        };
    }

    /**
     * {@code y = x·Wᵀ} over W's stored entries {@code (rₖ, cₖ, vₖ)} ({@code aux} = W, saved x and the
     * values): {@code dx[b, cₖ] += g[b, rₖ]·vₖ} and {@code dvₖ = Σ_b g[b, rₖ]·x[b, cₖ]}, composed of
     * index-selects, a product and a scatter-add over {@code [batch, entries]} (the tensor walk's
     * kernels have no recorded form; this costs a batch-by-entries temporary, never a dense W).
     */
    private Var[] sparse(Node n, Var g) {
        SparseMatrix w = (SparseMatrix) n.aux;
        Var x = saved(n, 0);
        Var values = saved(n, 1);
        int entries = w.values().size();
        int[] rows = new int[entries];
        int[] cols = new int[entries];
        w.forEachEntry((r, c, k) -> {
            rows[k] = r;
            cols[k] = c;
        });
        int batch = x.size() / w.cols();
        Var gAtRows = IndexOps.indexSelect(reshape(g, batch, w.rows()), 1, rows);
        Var dx = null;
        Var dv = null;
        if (n.wants(0)) {
            Var products = mul(gAtRows, reshape(values, 1, entries));
            dx = reshape(scatterInto(Shape.of(batch, w.cols()), 1, k -> cols[k], products), x.shape().dims());
        }
        if (n.wants(1)) {
            Var xAtCols = IndexOps.indexSelect(reshape(x, batch, w.cols()), 1, cols);
            dv = reshape(sum(mul(gAtRows, xAtCols), false, 0), values.shape().dims());
        }
        return new Var[] {dx, dv};
    }

    /** {@code dz = g·(softmax(z) − onehot(t))/divisor}, the softmax recomputed from the logits. */
    private Var crossEntropy(Node n, Var g) {
        Var logits = n.inputs[0];
        int[] targets = (int[]) n.aux;
        Tensor onehot = Indexing.oneHot(targets, logits.dim(1), logits.dtype());
        Var p = exp(ReductionOps.logSoftmax(logits, 1));
        return mul(sub(p, constant(onehot)), scale(g, 1.0 / n.real));
    }

    /**
     * Layer norm's rule with its statistics recomputed from x ({@code ints = [normalised axes]},
     * {@code real = ε}): {@code dx = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))} with {@code ĝ = g·γ},
     * {@code dγ = g·x̂}, {@code dβ = g} (summed over the rows by the walk).
     */
    private Var[] layerNorm(Node n, Var g) {
        Var x = n.inputs[0];
        Var weight = n.inputs[1];
        int k = n.ints[0];
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) {
            axes[i] = x.rank() - k + i;
        }
        Var centred = sub(x, ReductionOps.mean(x, true, axes));
        Var rho = pow(addScalar(ReductionOps.mean(square(centred), true, axes), n.real), -0.5);
        Var xHat = mul(centred, rho);
        Var gHat = weight == null ? g : mul(g, weight);
        Var dx = mul(rho, sub(sub(gHat, ReductionOps.mean(gHat, true, axes)),
                mul(xHat, ReductionOps.mean(mul(gHat, xHat), true, axes))));
        return new Var[] {dx, weight == null ? null : mul(g, xHat), n.inputs[2] == null ? null : g};
    }
}
