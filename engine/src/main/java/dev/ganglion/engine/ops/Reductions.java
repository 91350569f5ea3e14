package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;

/**
 * Reductions over axes ({@code Σ}, mean, max, min, argmax, log-sum-exp) and the normalisations
 * along one axis (softmax, log-softmax). Inputs may be any view; results are new contiguous tensors
 * of the input dtype. Axes may be negative (counted from the end).
 *
 * <p>Accuracy: float32 sums are pairwise, along a row (row kernel) or across rows, see {@link Folds};
 * log-sum-exp, softmax and log-softmax subtract the row maximum first, so logits of any finite size
 * (±1000 included) neither overflow nor underflow to NaN, and add their exponentials pairwise.
 * float64 runs the scalar reference path.
 */
public final class Reductions {
    private Reductions() {}

    /** {@code Σ x} over all elements, as a rank-0 tensor (0 for an empty tensor). */
    public static Tensor sum(Tensor x) {
        return sum(x, false);
    }

    /**
     * {@code Σ x} over {@code axes}, keeping them as size 1 when {@code keepDims}.
     * NOTE: an empty {@code axes} reduces every axis, as PyTorch's {@code sum(x, dim=[])} does
     * (NumPy's {@code axis=()} would reduce none). A repeated axis is an error.
     */
    public static Tensor sum(Tensor x, boolean keepDims, int... axes) {
        boolean[] mask = Checks.axisMask("sum", x.shape(), axes);
        return Folds.fold(Folds.Fold.SUM, x, mask, Checks.reducedShape(x.shape(), mask, keepDims));
    }

    /**
     * {@code Σ x} over every axis but the last, as a new tensor of shape {@code [x.dim(-1)]}: a
     * bias's gradient from its layer's output gradient {@code [..., out]}, summed as the autograd
     * walk sums a gradient back to a broadcast input's shape (the axes kept, then dropped), so with
     * the same bits. A rank-1 x is copied.
     */
    public static Tensor sumToLastAxis(Tensor x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("sumToLastAxis: x of shape " + x.shape() + " has no last axis");
        }
        if (x.rank() == 1) {
            return x.copy();
        }
        int[] leading = new int[x.rank() - 1];
        for (int a = 0; a < leading.length; a++) {
            leading[a] = a;
        }
        return sum(x, true, leading).reshape(x.dim(x.rank() - 1));
    }

    /** The mean of all elements as a rank-0 tensor (NaN for an empty tensor). */
    public static Tensor mean(Tensor x) {
        return mean(x, false);
    }

    /** {@code Σ x / n} over {@code axes} (n = number of elements reduced; NaN when 0); no axes means all. */
    public static Tensor mean(Tensor x, boolean keepDims, int... axes) {
        boolean[] mask = Checks.axisMask("mean", x.shape(), axes);
        Tensor s = Folds.fold(Folds.Fold.SUM, x, mask, Checks.reducedShape(x.shape(), mask, keepDims));
        long n = 1;
        for (int i = 0; i < mask.length; i++) {
            n *= mask[i] ? x.dim(i) : 1;
        }
        return divideInPlace(s, n);
    }

    /** {@code max x} along {@code axis}. NOTE: NaN anywhere along the axis gives NaN. */
    public static Tensor max(Tensor x, int axis, boolean keepDims) {
        return extreme("max", Folds.Fold.MAX, x, axis, keepDims);
    }

    /** {@code min x} along {@code axis}; NaN as for {@link #max}. */
    public static Tensor min(Tensor x, int axis, boolean keepDims) {
        return extreme("min", Folds.Fold.MIN, x, axis, keepDims);
    }

    /**
     * The index of the largest element along {@code axis}, as integer values in a tensor of x's dtype.
     * NOTE: ties give the first index; NaN counts as larger than everything (the first NaN wins),
     * as in PyTorch.
     *
     * @throws IllegalArgumentException for a float32 x whose axis is longer than 2^24, past which
     *     float32 does not hold every index exactly (float64 holds them all)
     */
    public static Tensor argmax(Tensor x, int axis, boolean keepDims) {
        int a = x.shape().axis(axis, "argmax");
        requireNonEmpty("argmax", x, a);
        if (x.dtype() == DType.F32 && x.dim(a) > 1 << 24) {
            throw new IllegalArgumentException("argmax: axis " + a + " of " + x.shape() + " has " + x.dim(a)
                    + " elements, more than float32 indexes exactly (2^24 = 16777216); call it on x.to(F64)");
        }
        Tensor moved = Runs.contiguous(moveToLast(x, a)).to(DType.F64);
        double[] v = moved.doubleArray();
        int r = x.dim(a);
        int outer = r == 0 ? 0 : x.size() / r;
        double[] idx = new double[outer];
        for (int o = 0; o < outer; o++) {
            int base = moved.offset() + o * r;
            int best = 0;
            for (int i = 1; i < r && !Double.isNaN(v[base + best]); i++) {
                double c = v[base + i];
                if (c > v[base + best] || Double.isNaN(c)) {
                    best = i;
                }
            }
            idx[o] = best;
        }
        Shape shape = axisShape(x.shape(), a, keepDims);
        return Tensor.wrap(idx, shape).to(x.dtype());
    }

    /**
     * {@code ln Σ e^x} along {@code axis}, stable: {@code m + ln Σ e^(x−m)} with m the maximum.
     * ±∞ when the maximum is ±∞; −∞ along an empty axis.
     */
    public static Tensor logsumexp(Tensor x, int axis, boolean keepDims) {
        int a = x.shape().axis(axis, "logsumexp");
        Rows rows = Rows.alongLast(x, a);
        Tensor out = Tensor.zeros(axisShape(x.shape(), a, keepDims), x.dtype());
        rows.logSumExp(out);
        return out;
    }

    /**
     * {@code yᵢ = e^(xᵢ−m) / Σⱼ e^(xⱼ−m)} along {@code axis}.
     * NOTE: a +∞ logit or an all-−∞ row gives NaN (as in PyTorch).
     */
    public static Tensor softmax(Tensor x, int axis) {
        return normalise(x, x.shape().axis(axis, "softmax"), false);
    }

    /** {@code yᵢ = xᵢ − m − ln Σⱼ e^(xⱼ−m)} along {@code axis}. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return normalise(x, x.shape().axis(axis, "logSoftmax"), true);
    }

    // ---------------------------------------------------------------- helpers

    private static Tensor extreme(String op, Folds.Fold fold, Tensor x, int axis, boolean keepDims) {
        int a = x.shape().axis(axis, op);
        requireNonEmpty(op, x, a);
        boolean[] mask = new boolean[x.rank()];
        mask[a] = true;
        return Folds.fold(fold, x, mask, axisShape(x.shape(), a, keepDims));
    }

    private static void requireNonEmpty(String op, Tensor x, int axis) {
        if (x.dim(axis) == 0) {
            throw new IllegalArgumentException(
                    op + ": cannot reduce axis " + axis + " of size 0 in shape " + x.shape());
        }
    }

    private static Shape axisShape(Shape shape, int axis, boolean keepDims) {
        boolean[] mask = new boolean[shape.rank()];
        mask[axis] = true;
        return Checks.reducedShape(shape, mask, keepDims);
    }

    /** Axis {@code a} moved to the end (a view). */
    static Tensor moveToLast(Tensor x, int a) {
        int[] order = new int[x.rank()];
        for (int i = 0, j = 0; i < order.length; i++) {
            if (i != a) {
                order[j++] = i;
            }
        }
        order[order.length - 1] = a;
        return x.permute(order);
    }

    private static Tensor normalise(Tensor x, int a, boolean log) {
        Rows rows = Rows.alongLast(x, a);
        Tensor y = Tensor.zeros(rows.shape(), x.dtype());
        rows.normalise(y, log);
        if (a == x.rank() - 1) {
            return y;
        }
        int[] back = new int[x.rank()];
        for (int i = 0, j = 0; i < back.length; i++) {
            back[i] = i == a ? x.rank() - 1 : j++;
        }
        return Runs.contiguous(y.permute(back));
    }

    private static Tensor divideInPlace(Tensor s, long n) {
        double count = n == 0 ? Double.NaN : n;
        if (s.dtype() == DType.F32) {
            float[] v = s.floatArray();
            float d = (float) count;
            for (int i = 0; i < v.length; i++) {
                v[i] /= d;
            }
        } else {
            double[] v = s.doubleArray();
            Arrays.setAll(v, i -> v[i] / count);
        }
        return s;
    }
}
