package dev.ganglion.autodiff;

import static dev.ganglion.autodiff.Graph.NOTHING;
import static dev.ganglion.autodiff.Graph.in;
import static dev.ganglion.autodiff.Graph.record;
import static dev.ganglion.autodiff.Graph.save;

import dev.ganglion.engine.Tensor;
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
