package dev.ganglion.autodiff;

import static dev.ganglion.autodiff.Graph.NOTHING;
import static dev.ganglion.autodiff.Graph.in;
import static dev.ganglion.autodiff.Graph.record;
import static dev.ganglion.autodiff.Graph.save;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Reductions;

/**
 * Differentiable reductions and normalisations along axes (negative axes count from the end).
 * Values come from the engine's {@code Reductions}; {@code argmax} is not differentiable and is on
 * the engine only.
 *
 * <p>Attributes recorded: {@code ints = [keepDims ? 1 : 0, axis…]} for the multi-axis reductions,
 * {@code [axis, keepDims ? 1 : 0]} for the single-axis ones, {@code [axis]} for the softmaxes.
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
