package dev.ganglion.autodiff;

import static dev.ganglion.engine.ops.Elementwise.addScalar;
import static dev.ganglion.engine.ops.Elementwise.cos;
import static dev.ganglion.engine.ops.Elementwise.div;
import static dev.ganglion.engine.ops.Elementwise.eq;
import static dev.ganglion.engine.ops.Elementwise.exp;
import static dev.ganglion.engine.ops.Elementwise.ge;
import static dev.ganglion.engine.ops.Elementwise.gt;
import static dev.ganglion.engine.ops.Elementwise.le;
import static dev.ganglion.engine.ops.Elementwise.log;
import static dev.ganglion.engine.ops.Elementwise.lt;
import static dev.ganglion.engine.ops.Elementwise.mul;
import static dev.ganglion.engine.ops.Elementwise.neg;
import static dev.ganglion.engine.ops.Elementwise.pow;
import static dev.ganglion.engine.ops.Elementwise.scale;
import static dev.ganglion.engine.ops.Elementwise.sigmoid;
import static dev.ganglion.engine.ops.Elementwise.sin;
import static dev.ganglion.engine.ops.Elementwise.square;
import static dev.ganglion.engine.ops.Elementwise.sub;
import static dev.ganglion.engine.ops.Elementwise.where;
import static dev.ganglion.engine.ops.Reductions.sum;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.ops.Elementwise;

/**
 * The gradient table: the backward rule of every {@link Op}, in one exhaustive {@code switch}
 * (no {@code default}, so an op without a rule does not compile).
 *
 * <p>A rule maps the gradient {@code g = ∂L/∂y} of the node's output(s) to {@code ∂L/∂input} for each
 * input, in the notation of the forward (saved tensors are read with {@code n.saved(i)} in the order
 * the op family saved them). A rule may return a gradient of the broadcast shape of the op: the
 * backward walk sums it back to the input's shape ({@link Backward#sumTo}), so no rule does that
 * itself. A null entry means "no gradient" (e.g. an integer index input).
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
    static Tensor[] backward(Node n, Tensor[] gs, boolean intoLeaves) {
        Tensor g = gs[0];
        return switch (n.op) {
            // ---- unary: dx = g·f'(x), with y = f(x) where that is cheaper
            case NEG -> one(neg(g));
            case EXP -> one(mul(g, n.saved(0)));                                          // y
            case LOG -> one(div(g, n.saved(0)));                                          // 1/x
            case SQRT -> one(div(g, scale(n.saved(0), 2)));                               // 1/(2y)
            case TANH -> one(mul(g, sub(unit(g), square(n.saved(0)))));                  // g(1 − y²), not g − g·y²: ∞ − ∞
            case SIGMOID -> one(mul(g, sub(n.saved(0), square(n.saved(0)))));             // g·y(1 − y)
            case RELU -> one(Elementwise.apply(BinaryOp.RELU_GRAD, g, n.saved(0)));        // NOTE: 0 at x = 0
            case SILU -> one(mul(g, siluSlope(n.saved(0))));                              // σ(1 + x(1 − σ))
            case SIN -> one(mul(g, cos(n.saved(0))));
            case COS -> one(neg(mul(g, sin(n.saved(0)))));
            case ABS -> one(mul(g, sub(gt(n.saved(0), zero(g)), lt(n.saved(0), zero(g))))); // NOTE: 0 at x = 0
            case SQUARE -> one(mul(g, scale(n.saved(0), 2)));
            case RECIPROCAL -> one(neg(mul(g, square(n.saved(0)))));                      // −y²
            case LOG1P -> one(div(g, addScalar(n.saved(0), 1)));                          // 1/(1 + x)
            case EXPM1 -> one(mul(g, exp(n.saved(0))));                                   // eˣ, not y + 1: that cancels for x ≪ 0
            case ERF -> one(mul(g, scale(exp(neg(square(n.saved(0)))), TWO_OVER_SQRT_PI)));  // (2/√π)·e^{−x²}
            case GELU -> one(Elementwise.apply(BinaryOp.GELU_GRAD, g, n.saved(0)));        // Φ(x) + x·φ(x)
            case GELU_TANH -> one(Elementwise.apply(BinaryOp.GELU_TANH_GRAD, g, n.saved(0)));
            case SOFTPLUS -> one(softplusGrad(g, n.saved(0), (double[]) n.aux));             // σ(βx), 1 above the threshold
            case CLAMP -> one(where(inside(n.saved(0), (double[]) n.aux), g, zero(g)));   // NOTE: bounds pass
            case POW_SCALAR -> one(n.real == 0 ? scale(g, 0) : mul(g, scale(pow(n.saved(0), n.real - 1), n.real)));
            case SCALE -> one(scale(g, n.real));
            case ADD_SCALAR -> one(g);
            case CAST -> one(g.to(n.inputs[0].dtype()));                                  // back to x's dtype

            // ---- binary, in the broadcast shape (the walk sums back)
            case ADD -> two(g, g);
            case SUB -> two(g, neg(g));
            case MUL -> two(mul(g, n.saved(1)), mul(g, n.saved(0)));
            case DIV -> divide(g, n.saved(0), n.saved(1));
            case MAXIMUM -> larger(g, n.saved(0), n.saved(1), true);
            case MINIMUM -> larger(g, n.saved(0), n.saved(1), false);
            case POW -> power(g, n.saved(0), n.saved(1), n.saved(2));
            case WHERE -> two(where(n.saved(0), g, zero(g)), where(n.saved(0), zero(g), g));

            // ---- reductions: spread g back over the reduced axes
            case SUM -> one(ShapeGrads.unreduce(n, g));
            case MEAN -> one(scale(ShapeGrads.unreduce(n, g), 1.0 / ShapeGrads.reducedCount(n)));
            case MAX, MIN -> one(ShapeGrads.extremum(n, g));                               // NOTE: ties share
            case LOGSUMEXP -> one(mul(ShapeGrads.keep(n, g), exp(sub(n.saved(0), ShapeGrads.keep(n, n.saved(1))))));
            case SOFTMAX -> one(mul(n.saved(0), sub(g, sum(mul(g, n.saved(0)), true, n.ints[0]))));
            case LOG_SOFTMAX -> one(sub(g, mul(exp(n.saved(0)), sum(g, true, n.ints[0]))));

            // ---- views: the inverse view, or g written into zeros
            case RESHAPE -> one(g.reshape(n.inputs[0].shape().dims()));
            case PERMUTE -> one(g.permute(ShapeGrads.inverse(n.ints)));
            case TRANSPOSE -> one(g.transpose(n.ints[0], n.ints[1]));
            case SLICE -> one(ShapeGrads.unslice(n, g));
            case SELECT -> one(ShapeGrads.unselect(n, g));
            case EXPAND -> one(g);                                                        // summed by the walk
            case UNSQUEEZE -> one(g.squeeze(n.ints[0]));
            case SQUEEZE -> one(g.unsqueeze(n.ints[0]));

            // ---- joining and indexing
            case CONCAT -> IndexGrads.concat(n, g);
            case SPLIT -> one(IndexGrads.split(n, gs));
            case INDEX_SELECT -> one(IndexGrads.indexSelect(n, g));
            case GATHER -> one(IndexGrads.gather(n, g));
            case SCATTER_ADD -> two(g, IndexGrads.scatterAddSource(n, g));

            // ---- dense and sparse products
            case MATMUL -> LinalgGrads.matmul(n, g);
            case LINEAR -> LinalgGrads.linear(n, g, intoLeaves);
            case BLOCK_DIAGONAL, BSR, CSR -> LinalgGrads.sparse(n, g, intoLeaves);

            // ---- fused and user-defined
            case CROSS_ENTROPY -> one(CrossEntropy.backward(n, g));
            case LAYER_NORM -> ReductionOps.layerNormBackward(n, g);
            case CUSTOM -> CustomContext.backward(n, gs, intoLeaves);
        };
    }

    private static Tensor[] one(Tensor g) {
        return new Tensor[] {g};
    }

    private static Tensor[] two(Tensor ga, Tensor gb) {
        return new Tensor[] {ga, gb};
    }

    /** A zero of g's dtype, broadcasting against anything. */
    static Tensor zero(Tensor like) {
        return Tensor.scalar(0, like.dtype());
    }

    /** A one of g's dtype, broadcasting against anything. */
    private static Tensor unit(Tensor like) {
        return Tensor.scalar(1, like.dtype());
    }

    /** {@code d silu/dx = σ(x)·(1 + x·(1 − σ(x)))}. */
    private static Tensor siluSlope(Tensor x) {
        Tensor s = sigmoid(x);
        return mul(s, addScalar(mul(x, addScalar(neg(s), 1)), 1));
    }

    /**
     * softplus's {@code dx = βx > threshold ? g : g·σ(βx)} for {@code {β, threshold}}: PyTorch's
     * rule (NaN at a NaN x), with a σ that never overflows where PyTorch's {@code e^{βx}/(e^{βx} + 1)}
     * gives NaN (βx above 709.8 under a higher threshold).
     */
    private static Tensor softplusGrad(Tensor g, Tensor x, double[] betaThreshold) {
        Tensor bx = scale(x, betaThreshold[0]);
        return where(gt(bx, Tensor.scalar(betaThreshold[1], x.dtype())), g, mul(g, sigmoid(bx)));
    }

    /** 1 where {@code lo ≤ x ≤ hi}, else 0 (also for NaN x). */
    private static Tensor inside(Tensor x, double[] bounds) {
        Tensor lo = Tensor.scalar(bounds[0], x.dtype());
        Tensor hi = Tensor.scalar(bounds[1], x.dtype());
        return mul(ge(x, lo), le(x, hi));
    }

    /** {@code y = a/b}: {@code da = g/b}, {@code db = −g·a/b² = −da·y}. */
    private static Tensor[] divide(Tensor g, Tensor b, Tensor y) {
        Tensor ga = div(g, b);
        return two(ga, neg(mul(ga, y)));
    }

    /**
     * {@code y = max(a, b)} ({@code max}) or {@code min(a, b)}: each side gets g where it is taken,
     * g/2 at ties, 0 where the other side is taken, and g where either is NaN (PyTorch's rule). The
     * sides are selected, not weighted, so an infinite or NaN g never becomes {@code ±∞·0 = NaN} (or
     * {@code ∞ − ∞}) on the side not taken.
     */
    private static Tensor[] larger(Tensor g, Tensor a, Tensor b, boolean max) {
        Tensor shared = where(eq(a, b), scale(g, 0.5), g);
        Tensor aNotTaken = max ? lt(a, b) : gt(a, b);
        Tensor bNotTaken = max ? gt(a, b) : lt(a, b);
        return two(where(aNotTaken, zero(g), shared), where(bNotTaken, zero(g), shared));
    }

    /**
     * {@code y = aᵇ}: {@code da = g·b·a^(b−1)} (0 where b = 0), {@code db = g·y·ln a} (0 where a = 0
     * and b ≥ 0), as PyTorch.
     */
    private static Tensor[] power(Tensor g, Tensor a, Tensor b, Tensor y) {
        // b·a^(b−1) is 0·0^(−1) = NaN at a = 0, b = 0, where y = a⁰ = 1 is flat in a: 0 there
        Tensor ga = mul(g, where(eq(b, zero(b)), zero(b), mul(b, pow(a, addScalar(b, -1)))));
        // y·ln a is 0·(−∞) = NaN at a = 0, b > 0, where y = 0 stays 0 as b moves: 0 there; at b < 0,
        // y = ∞ and the product −∞ is the limit of aᵇ·ln a as a → 0⁺, so it stays
        Tensor ylna = mul(y, log(a));
        // (a NaN b keeps its NaN: PyTorch's mask is a = 0 and b ≥ 0, false for NaN)
        Tensor gb = mul(g, where(eq(a, zero(a)), where(ge(b, zero(b)), zero(ylna), ylna), ylna));
        return two(ga, gb);
    }
}
