package dev.ganglion.autodiff;

import static dev.ganglion.engine.ops.Elementwise.eq;
import static dev.ganglion.engine.ops.Elementwise.ge;
import static dev.ganglion.engine.ops.Elementwise.gt;
import static dev.ganglion.engine.ops.Elementwise.le;
import static dev.ganglion.engine.ops.Elementwise.lt;
import static dev.ganglion.engine.ops.Elementwise.mul;
import static dev.ganglion.engine.ops.Elementwise.sub;

import dev.ganglion.engine.Tensor;

/**
 * The gradient table: the backward rule of every {@link Op}, in one exhaustive {@code switch}
 * (no {@code default}, so an op without a rule does not compile).
 *
 * <p>A rule maps the gradient {@code g = ∂L/∂y} of the node's output(s) to {@code ∂L/∂input} for each
 * input, in the notation of the forward (saved tensors are read with {@code a.saved(n, i)} in the
 * order the op family saved them, and masks from their values with {@code n.saved(i)}). A rule may
 * return a gradient of the broadcast shape of the op: the backward walk sums it back to the input's
 * shape ({@link Backward#sumTo}), so no rule does that itself. A null entry means "no gradient"
 * (e.g. an integer index input).
 *
 * <p>Rules are written over a {@link GradAlgebra}: on tensors for an ordinary backward, on recorded
 * {@link Var}s for a backward that can itself be differentiated ({@link Autodiff#gradGraph}).
 */
final class Gradients {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private Gradients() {}

    /**
     * {@code ∂L/∂inputs} of node {@code n} from {@code gs[k] = ∂L/∂output_k} ({@code gs[0]} for the
     * single-output ops; multi-output ops get nulls for outputs that received no gradient).
     * {@code intoLeaves}: the walk fills the leaves' {@code .grad} (a backward, not a functional
     * {@code grad(...)}), so LINEAR, the sparse products and CUSTOM rules may write a leaf's gradient
     * straight into its kept buffer ({@link Var#claimGradBuffer}) and return null for it.
     */
    // NOTE: the one long method of the module, on purpose: a table with one line per op.
    static <T> T[] backward(GradAlgebra<T> a, Node n, T[] gs, boolean intoLeaves) {
        T g = gs[0];
        return switch (n.op) {
            // ---- unary: dx = g·f'(x), with y = f(x) where that is cheaper
            case NEG -> one(a, a.neg(g));
            case EXP -> one(a, a.mul(g, a.saved(n, 0)));                                              // y
            case LOG -> one(a, a.div(g, a.saved(n, 0)));                                              // 1/x
            case SQRT -> one(a, a.div(g, a.scale(a.saved(n, 0), 2)));                                 // 1/(2y)
            case TANH -> one(a, a.mul(g, a.sub(unit(a, g), a.square(a.saved(n, 0)))));                // g(1 − y²), not g − g·y²: ∞ − ∞
            case SIGMOID -> one(a, a.mul(g, a.sub(a.saved(n, 0), a.square(a.saved(n, 0)))));          // g·y(1 − y)
            case RELU -> one(a, a.reluGrad(g, a.saved(n, 0)));                                        // NOTE: 0 at x = 0
            case SILU -> one(a, a.mul(g, siluSlope(a, a.saved(n, 0))));                               // σ(1 + x(1 − σ))
            case SIN -> one(a, a.mul(g, a.cos(a.saved(n, 0))));
            case COS -> one(a, a.neg(a.mul(g, a.sin(a.saved(n, 0)))));
            case ABS -> one(a, a.mul(g, a.constant(sign(n.saved(0)))));                               // NOTE: 0 at x = 0
            case SQUARE -> one(a, a.mul(g, a.scale(a.saved(n, 0), 2)));
            case RECIPROCAL -> one(a, a.neg(a.mul(g, a.square(a.saved(n, 0)))));                       // −y²
            case LOG1P -> one(a, a.div(g, a.addScalar(a.saved(n, 0), 1)));                            // 1/(1 + x)
            case EXPM1 -> one(a, a.mul(g, a.exp(a.saved(n, 0))));                                     // eˣ, not y + 1: that cancels for x ≪ 0
            case ERF -> one(a, a.mul(g, a.scale(a.exp(a.neg(a.square(a.saved(n, 0)))), TWO_OVER_SQRT_PI)));  // (2/√π)·e^{−x²}
            case GELU -> one(a, a.geluGrad(g, a.saved(n, 0)));                                        // Φ(x) + x·φ(x)
            case GELU_TANH -> one(a, a.geluTanhGrad(g, a.saved(n, 0)));
            case SOFTPLUS -> one(a, softplusGrad(a, g, n, (double[]) n.aux));                         // σ(βx), 1 above the threshold
            case CLAMP -> one(a, a.where(inside(n.saved(0), (double[]) n.aux), g, a.zero(g)));        // NOTE: bounds pass
            case POW_SCALAR -> one(a, n.real == 0 ? a.scale(g, 0) : a.mul(g, a.scale(a.pow(a.saved(n, 0), n.real - 1), n.real)));
            case SCALE -> one(a, a.scale(g, n.real));
            case ADD_SCALAR -> one(a, g);
            case CAST -> one(a, a.to(g, n.inputs[0].dtype()));                                        // back to x's dtype

            // ---- binary, in the broadcast shape (the walk sums back)
            case ADD -> two(a, g, g);
            case SUB -> two(a, g, a.neg(g));
            case MUL -> two(a, a.mul(g, a.saved(n, 1)), a.mul(g, a.saved(n, 0)));
            case DIV -> divide(a, g, a.saved(n, 0), a.saved(n, 1));
            case MAXIMUM -> larger(a, g, n.saved(0), n.saved(1), true);
            case MINIMUM -> larger(a, g, n.saved(0), n.saved(1), false);
            case POW -> power(a, g, n);
            case WHERE -> two(a, a.where(n.saved(0), g, a.zero(g)), a.where(n.saved(0), a.zero(g), g));

            // ---- reductions: spread g back over the reduced axes
            case SUM -> one(a, ShapeGrads.unreduce(a, n, g));
            case MEAN -> one(a, a.scale(ShapeGrads.unreduce(a, n, g), 1.0 / ShapeGrads.reducedCount(n)));
            case MAX, MIN -> one(a, ShapeGrads.extremum(a, n, g));                                    // NOTE: ties share
            case LOGSUMEXP -> one(a, a.mul(ShapeGrads.keep(a, n, g),
                    a.exp(a.sub(a.saved(n, 0), ShapeGrads.keep(a, n, a.saved(n, 1))))));
            case SOFTMAX -> one(a, a.mul(a.saved(n, 0), a.sub(g, a.sum(a.mul(g, a.saved(n, 0)), true, n.ints[0]))));
            case LOG_SOFTMAX -> one(a, a.sub(g, a.mul(a.exp(a.saved(n, 0)), a.sum(g, true, n.ints[0]))));

            // ---- views: the inverse view, or g written into zeros
            case RESHAPE -> one(a, a.reshape(g, n.inputs[0].shape().dims()));
            case PERMUTE -> one(a, a.permute(g, ShapeGrads.inverse(n.ints)));
            case TRANSPOSE -> one(a, a.transpose(g, n.ints[0], n.ints[1]));
            case SLICE -> one(a, a.unslice(g, n.inputs[0].shape(), n.ints[0], n.ints[1], n.ints[3]));  // [axis, start, count, step]
            case SELECT -> one(a, a.unslice(a.unsqueeze(g, n.ints[0]), n.inputs[0].shape(), n.ints[0], n.ints[1], 1));
            case EXPAND -> one(a, g);                                                                 // summed by the walk
            case UNSQUEEZE -> one(a, a.squeeze(g, n.ints[0]));
            case SQUEEZE -> one(a, a.unsqueeze(g, n.ints[0]));

            // ---- joining and indexing
            case CONCAT -> IndexGrads.concat(a, n, g);
            case SPLIT -> one(a, IndexGrads.split(a, n, gs));
            case INDEX_SELECT -> one(a, a.indexAdd(g, n.inputs[0].shape(), n.ints[0], (int[]) n.aux));
            case GATHER -> one(a, IndexGrads.gather(a, n, g));
            case SCATTER_ADD -> two(a, g, IndexGrads.scatterAddSource(a, n, g));

            // ---- dense and sparse products
            case MATMUL -> LinalgGrads.matmul(a, n, g);
            case LINEAR -> LinalgGrads.linear(a, n, g, intoLeaves);

            // ---- fused and user-defined: one kernel on tensors
            case LINEAR_RELU, BLOCK_DIAGONAL, BSR, CSR, CROSS_ENTROPY, LAYER_NORM, CUSTOM -> a.fused(n, gs, intoLeaves);
        };
    }

    static <T> T[] one(GradAlgebra<T> a, T g) {
        T[] r = a.array(1);
        r[0] = g;
        return r;
    }

    static <T> T[] two(GradAlgebra<T> a, T ga, T gb) {
        T[] r = a.array(2);
        r[0] = ga;
        r[1] = gb;
        return r;
    }

    /** A one of g's dtype, broadcasting against anything. */
    private static <T> T unit(GradAlgebra<T> a, T like) {
        return a.constant(Tensor.scalar(1, a.value(like).dtype()));
    }

    /** {@code [x > 0] − [x < 0]}: abs's slope, 0 at 0. */
    private static Tensor sign(Tensor x) {
        Tensor zero = Tensor.scalar(0, x.dtype());
        return sub(gt(x, zero), lt(x, zero));
    }

    /** {@code d silu/dx = σ(x)·(1 + x·(1 − σ(x)))}. */
    private static <T> T siluSlope(GradAlgebra<T> a, T x) {
        T s = a.sigmoid(x);
        return a.mul(s, a.addScalar(a.mul(x, a.addScalar(a.neg(s), 1)), 1));
    }

    /**
     * softplus's {@code dx = βx > threshold ? g : g·σ(βx)} for {@code {β, threshold}}: PyTorch's
     * rule (NaN at a NaN x), with a σ that never overflows where PyTorch's {@code e^{βx}/(e^{βx} + 1)}
     * gives NaN (βx above 709.8 under a higher threshold).
     */
    private static <T> T softplusGrad(GradAlgebra<T> a, T g, Node n, double[] betaThreshold) {
        T bx = a.scale(a.saved(n, 0), betaThreshold[0]);
        Tensor above = gt(a.value(bx), Tensor.scalar(betaThreshold[1], a.value(bx).dtype()));
        return a.where(above, g, a.mul(g, a.sigmoid(bx)));
    }

    /** 1 where {@code lo ≤ x ≤ hi}, else 0 (also for NaN x). */
    private static Tensor inside(Tensor x, double[] bounds) {
        Tensor lo = Tensor.scalar(bounds[0], x.dtype());
        Tensor hi = Tensor.scalar(bounds[1], x.dtype());
        return mul(ge(x, lo), le(x, hi));
    }

    /** {@code y = a/b}: {@code da = g/b}, {@code db = −g·a/b² = −da·y}. */
    private static <T> T[] divide(GradAlgebra<T> a, T g, T b, T y) {
        T ga = a.div(g, b);
        return two(a, ga, a.neg(a.mul(ga, y)));
    }

    /**
     * {@code y = max(x, z)} ({@code max}) or {@code min(x, z)}: each side gets g where it is taken,
     * g/2 at ties, 0 where the other side is taken, and g where either is NaN (PyTorch's rule). The
     * sides are selected, not weighted, so an infinite or NaN g never becomes {@code ±∞·0 = NaN} (or
     * {@code ∞ − ∞}) on the side not taken.
     */
    private static <T> T[] larger(GradAlgebra<T> a, T g, Tensor x, Tensor z, boolean max) {
        T shared = a.where(eq(x, z), a.scale(g, 0.5), g);
        Tensor xNotTaken = max ? lt(x, z) : gt(x, z);
        Tensor zNotTaken = max ? gt(x, z) : lt(x, z);
        return two(a, a.where(xNotTaken, a.zero(g), shared), a.where(zNotTaken, a.zero(g), shared));
    }

    /**
     * {@code y = xᶻ} (saved x, z, y): {@code dx = g·z·x^(z−1)} (0 where z = 0), {@code dz = g·y·ln x}
     * (0 where x = 0 and z ≥ 0), as PyTorch.
     */
    private static <T> T[] power(GradAlgebra<T> a, T g, Node n) {
        T x = a.saved(n, 0);
        T z = a.saved(n, 1);
        T y = a.saved(n, 2);
        Tensor zeroZ = Tensor.scalar(0, n.saved(1).dtype());
        Tensor zeroX = Tensor.scalar(0, n.saved(0).dtype());
        // z·x^(z−1) is 0·0^(−1) = NaN at x = 0, z = 0, where y = x⁰ = 1 is flat in x: 0 there
        T gx = a.mul(g, a.where(eq(n.saved(1), zeroZ), a.zero(z), a.mul(z, a.pow(x, a.addScalar(z, -1)))));
        // y·ln x is 0·(−∞) = NaN at x = 0, z > 0, where y = 0 stays 0 as z moves: 0 there; at z < 0,
        // y = ∞ and the product −∞ is the limit of xᶻ·ln x as x → 0⁺, so it stays
        T ylnx = a.mul(y, a.log(x));
        // (a NaN z keeps its NaN: PyTorch's mask is x = 0 and z ≥ 0, false for NaN)
        Tensor flat = mul(eq(n.saved(0), zeroX), ge(n.saved(1), zeroZ));
        T gz = a.mul(g, a.where(flat, a.zero(ylnx), ylnx));
        return two(a, gx, gz);
    }
}
