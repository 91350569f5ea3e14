package dev.ganglion.autodiff;

import static dev.ganglion.autodiff.Graph.NOTHING;
import static dev.ganglion.autodiff.Graph.in;
import static dev.ganglion.autodiff.Graph.record;
import static dev.ganglion.autodiff.Graph.require;
import static dev.ganglion.autodiff.Graph.save;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Normalization;
import dev.ganglion.engine.ops.Reductions;

/**
 * Differentiable reductions and normalisations along axes (negative axes count from the end).
 * Values come from the engine's {@code Reductions}, and {@link #layerNorm}'s from its
 * {@code Normalization}; {@code argmax} is not differentiable and is on the engine only.
 *
 * <p>Attributes recorded: {@code ints = [keepDims ? 1 : 0, axis…]} for the multi-axis reductions,
 * {@code [axis, keepDims ? 1 : 0]} for the single-axis ones, {@code [axis]} for the softmaxes, none for
 * {@link #layerNorm} (its node saves x, μ, ρ and γ).
 */
public final class ReductionOps {
    private ReductionOps() {}

    /** {@code y = Σᵢ xᵢ} over every element (a scalar). */
    public static Var sum(Var x) {
        return sum(x, false, allAxes(x));
    }

    /** {@code y = Σ x} over {@code axes} (all axes when none are given). */
    public static Var sum(Var x, boolean keepDims, int... axes) {
        int[] ax = axes.length == 0 ? allAxes(x) : axes;
        Tensor y = Reductions.sum(x.value(), keepDims, ax);
        return record(Op.SUM, y, in(x), NOTHING, attributes(x, "sum", keepDims, ax));
    }

    /** {@code y = mean(x)} over every element. */
    public static Var mean(Var x) {
        return mean(x, false, allAxes(x));
    }

    /** {@code y = Σ x / n} over {@code axes} (all axes when none are given), n = product of their sizes. */
    public static Var mean(Var x, boolean keepDims, int... axes) {
        int[] ax = axes.length == 0 ? allAxes(x) : axes;
        Tensor y = Reductions.mean(x.value(), keepDims, ax);
        return record(Op.MEAN, y, in(x), NOTHING, attributes(x, "mean", keepDims, ax));
    }

    /**
     * {@code y = Σ (x − mean x)² / (n − correction)} over {@code axes} (all when none are given), n
     * the number of elements reduced: PyTorch's {@code var(x, dim, correction=, keepdim=)}, whose
     * default correction is 1 (Bessel's). Two passes (the mean, then the squared deviations), so a
     * large common offset does not cancel the result away; {@code dx = 2(x − mean)/(n − correction)}.
     * Where {@code n ≤ correction} the divisor is 0, as PyTorch's: the result is ∞ where the values
     * differ and NaN where they are equal or there are none.
     *
     * @throws IllegalArgumentException when {@code correction < 0}, or for a bad axis
     */
    public static Var var(Var x, int correction, boolean keepDims, int... axes) {
        return variance("var", x, correction, keepDims, axes);
    }

    /**
     * {@code y = √var(x)} ({@link #var}), PyTorch's {@code std}. // NOTE: where y = 0 (all values
     * equal) the gradient is 0, as PyTorch's, not the 0·∞ = NaN of √'s slope there: √ sees 1 in
     * those places and the result takes 0 from a constant.
     */
    public static Var std(Var x, int correction, boolean keepDims, int... axes) {
        Var v = variance("std", x, correction, keepDims, axes);
        Tensor zero = Elementwise.eq(v.value(), Tensor.scalar(0, v.dtype()));
        Var safe = PointwiseOps.where(zero, Var.constant(Tensor.scalar(1, v.dtype())), v);
        return PointwiseOps.where(zero, Var.constant(Tensor.scalar(0, v.dtype())), PointwiseOps.sqrt(safe));
    }

    private static Var variance(String op, Var x, int correction, boolean keepDims, int[] axes) {
        if (correction < 0) {
            throw new IllegalArgumentException(op + ": correction must be ≥ 0, got " + correction + " for shape " + x.shape());
        }
        int[] ax = axes.length == 0 ? allAxes(x) : axes;
        long n = 1;
        for (int a : ax) {
            n *= x.dim(x.shape().axis(a, op));
        }
        Var deviation = PointwiseOps.sub(x, mean(x, true, ax));
        // max(0, n − correction) as PyTorch: at n ≤ correction the scale is 1/0 = ∞, so the result is ∞ for
        // spread values and NaN (0·∞) for equal ones or none; a negative divisor gave a negative variance
        return PointwiseOps.scale(sum(PointwiseOps.square(deviation), keepDims, ax), 1.0 / Math.max(0, n - correction));
    }

    /**
     * {@code y = max x} along {@code axis}.
     *
     * <p>// NOTE: ties. The gradient is split evenly among the elements equal to the maximum (as
     * {@code torch.amax} does), so it stays symmetric in the inputs and sums to the output's gradient.
     */
    public static Var max(Var x, int axis, boolean keepDims) {
        Tensor y = Reductions.max(x.value(), axis, keepDims);
        return record(Op.MAX, y, in(x), save(x.value(), y), x.shape().axis(axis, "max"), keepDims ? 1 : 0);
    }

    /** {@code y = min x} along {@code axis}; ties share the gradient evenly, as for {@link #max}. */
    public static Var min(Var x, int axis, boolean keepDims) {
        Tensor y = Reductions.min(x.value(), axis, keepDims);
        return record(Op.MIN, y, in(x), save(x.value(), y), x.shape().axis(axis, "min"), keepDims ? 1 : 0);
    }

    /** {@code y = log Σ exp x} along {@code axis}, computed stably; {@code ∂y/∂x = softmax(x)}. */
    public static Var logsumexp(Var x, int axis, boolean keepDims) {
        Tensor y = Reductions.logsumexp(x.value(), axis, keepDims);
        return record(Op.LOGSUMEXP, y, in(x), save(x.value(), y), x.shape().axis(axis, "logsumexp"),
                keepDims ? 1 : 0);
    }

    /** {@code yᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}} along {@code axis}. */
    public static Var softmax(Var x, int axis) {
        Tensor y = Reductions.softmax(x.value(), axis);
        return record(Op.SOFTMAX, y, in(x), save(y), x.shape().axis(axis, "softmax"));
    }

    /** {@code yᵢ = xᵢ − log Σⱼ e^{xⱼ}} along {@code axis}. */
    public static Var logSoftmax(Var x, int axis) {
        Tensor y = Reductions.logSoftmax(x.value(), axis);
        return record(Op.LOG_SOFTMAX, y, in(x), save(y), x.shape().axis(axis, "logSoftmax"));
    }

    /**
     * Layer normalisation, PyTorch's {@code layer_norm(x, normalized_shape, weight, bias, eps)}: each
     * row of the trailing axes {@code normalizedShape} (n elements) becomes
     * {@code yᵢ = (xᵢ − μ)/√(σ² + ε)·γᵢ + βᵢ}, with {@code μ = Σ xᵢ / n} and the biased variance
     * {@code σ² = Σ (xᵢ − μ)² / n}; γ and β have the normalized shape, or are null (1 and 0).
     *
     * <p>One {@link Op#LAYER_NORM} node, which keeps x and each row's μ and {@code ρ = 1/√(σ² + ε)}
     * (and, for {@link Autodiff#gradGraph}, the number of normalised axes and ε).
     * With {@code x̂ = (x − μ)·ρ} and {@code ĝ = g·γ} along a row:
     * {@code dx = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))}, {@code dγ = Σ_rows g·x̂}, {@code dβ = Σ_rows g}. The
     * statistics are summed in double for float32 too, the variance from the deviations of the mean
     * (never {@code E[x²] − μ²}; the engine's {@link Normalization#layerNorm}); a row of equal values
     * gives β.
     *
     * @param weight γ, or null
     * @param bias β, or null
     * @throws IllegalArgumentException naming {@code layerNorm} and the shapes when the normalized shape
     *     is empty or not x's trailing shape, γ or β has another shape or dtype than it and x, or ε is
     *     negative or NaN
     */
    public static Var layerNorm(Var x, int[] normalizedShape, Var weight, Var bias, double eps) {
        require("layerNorm", x);
        Normalization.LayerNorm r = Normalization.layerNorm(x.value(), normalizedShape,
                weight == null ? null : weight.value(), bias == null ? null : bias.value(), eps);
        Tensor[] saved = weight == null ? save(x.value(), r.mean(), r.rstd())
                : save(x.value(), r.mean(), r.rstd(), weight.value());
        return record(Op.LAYER_NORM, r.y(), in(x, weight, bias), saved, new int[] {normalizedShape.length}, eps, null);
    }

    /** The {@link Op#LAYER_NORM} rule: the engine's backward from the saved x, μ, ρ and γ. */
    static Tensor[] layerNormBackward(Node n, Tensor g) {
        Tensor weight = n.inputs[1] == null ? null : n.saved(3);
        Normalization.LayerNormGrads d = Normalization.layerNormBackward(g, n.saved(0), n.saved(1), n.saved(2), weight,
                n.wants(0), n.wants(1), n.wants(2));
        return new Tensor[] {d.input(), d.weight(), d.bias()};
    }

    private static int[] allAxes(Var x) {
        int[] ax = new int[x.rank()];
        for (int i = 0; i < ax.length; i++) {
            ax[i] = i;
        }
        return ax;
    }

    /** {@code [keepDims, normalised axes…]}; the engine has already rejected bad axes. */
    private static int[] attributes(Var x, String op, boolean keepDims, int[] axes) {
        int[] a = new int[axes.length + 1];
        a[0] = keepDims ? 1 : 0;
        for (int i = 0; i < axes.length; i++) {
            a[i + 1] = x.shape().axis(axes[i], op);
        }
        return a;
    }
}
