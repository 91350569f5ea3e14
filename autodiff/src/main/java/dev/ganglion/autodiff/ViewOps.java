package dev.ganglion.autodiff;

import static dev.ganglion.autodiff.Graph.NOTHING;
import static dev.ganglion.autodiff.Graph.in;
import static dev.ganglion.autodiff.Graph.record;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.SliceRange;
import dev.ganglion.engine.Tensor;

/**
 * Differentiable views: the result shares storage with the input (the {@link Tensor} view ops), and
 * the gradient is the inverse view or a scatter into zeros. Expansion records nothing beyond the
 * op: its gradient is summed back to the input's shape by the backward walk like any broadcast.
 *
 * <p>// NOTE: a view shares its input's storage version, so writing into a view's value in place
 * before backward is reported for every op that saved the input.
 */
public final class ViewOps {
    private ViewOps() {}

    /** The same elements in a new shape (one dimension may be −1); copies only when not contiguous. */
    public static Var reshape(Var x, int... dims) {
        return record(Op.RESHAPE, x.value().reshape(dims), in(x), NOTHING);
    }

    /** Axis {@code i} of the result is axis {@code order[i]} of {@code x}. */
    public static Var permute(Var x, int... order) {
        Tensor y = x.value().permute(order);
        int[] normalised = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            normalised[i] = x.shape().axis(order[i], "permute");
        }
        return record(Op.PERMUTE, y, in(x), NOTHING, normalised);
    }

    /** Swaps axes {@code a} and {@code b}. */
    public static Var transpose(Var x, int a, int b) {
        Tensor y = x.value().transpose(a, b);
        return record(Op.TRANSPOSE, y, in(x), NOTHING, x.shape().axis(a, "transpose"), x.shape().axis(b, "transpose"));
    }

    /** The matrix transpose of the last two axes. */
    public static Var mT(Var x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("mT: needs rank ≥ 2, got shape " + x.shape());
        }
        return transpose(x, -2, -1);
    }

    /**
     * Elements {@code start, start+step, …} below {@code end} along {@code axis}, the bounds as in
     * Python's {@code x[start:end:step]} ({@link Tensor#slice}, {@link SliceRange}).
     */
    public static Var slice(Var x, int axis, int start, int end, int step) {
        Tensor y = x.value().slice(axis, start, end, step);
        int a = x.shape().axis(axis, "slice");
        SliceRange r = SliceRange.of("slice", x.dim(a), start, end, step);
        return record(Op.SLICE, y, in(x), NOTHING, a, r.start(), r.count(), step);
    }

    /** Index {@code i} along {@code axis}, dropping the axis. */
    public static Var select(Var x, int axis, int i) {
        Tensor y = x.value().select(axis, i);
        int a = x.shape().axis(axis, "select");
        return record(Op.SELECT, y, in(x), NOTHING, a, i < 0 ? i + x.dim(a) : i);
    }

    /** Broadcasts to {@code dims} (new leading axes allowed, −1 keeps a size) without copying. */
    public static Var expand(Var x, int... dims) {
        return record(Op.EXPAND, x.value().expand(dims), in(x), NOTHING);
    }

    /** {@link #expand(Var, int...)} to {@code shape}. */
    public static Var expand(Var x, Shape shape) {
        return expand(x, shape.dims());
    }

    /**
     * Axes {@code startDim..endDim} (inclusive, negative counting from the end) merged into one, a
     * {@link #reshape} (PyTorch's {@code flatten}); a scalar becomes shape {@code [1]}.
     *
     * @throws IllegalArgumentException when an axis is out of range or {@code startDim > endDim}
     */
    public static Var flatten(Var x, int startDim, int endDim) {
        if (x.rank() == 0) {   // as PyTorch, a scalar's axes are 0 and −1
            for (int d : new int[] {startDim, endDim}) {
                if (d != 0 && d != -1) {
                    throw new IllegalArgumentException("flatten: axis " + d + " is out of range for a scalar (0 or -1)");
                }
            }
            return reshape(x, 1);
        }
        int start = x.shape().axis(startDim, "flatten");
        int end = x.shape().axis(endDim, "flatten");
        if (start > end) {
            throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim
                    + " for shape " + x.shape());
        }
        int[] dims = new int[x.rank() - (end - start)];
        for (int a = 0; a < start; a++) {
            dims[a] = x.dim(a);
        }
        dims[start] = 1;
        for (int a = start; a <= end; a++) {
            dims[start] *= x.dim(a);
        }
        for (int a = end + 1; a < x.rank(); a++) {
            dims[a - (end - start)] = x.dim(a);
        }
        return reshape(x, dims);
    }

    /** Inserts a size-1 axis at {@code axis} (which may equal the rank). */
    public static Var unsqueeze(Var x, int axis) {
        Tensor y = x.value().unsqueeze(axis);
        return record(Op.UNSQUEEZE, y, in(x), NOTHING, y.shape().axis(axis, "unsqueeze"));
    }

    /** Removes axis {@code axis}, which must have size 1. */
    public static Var squeeze(Var x, int axis) {
        Tensor y = x.value().squeeze(axis);
        return record(Op.SQUEEZE, y, in(x), NOTHING, x.shape().axis(axis, "squeeze"));
    }
}
