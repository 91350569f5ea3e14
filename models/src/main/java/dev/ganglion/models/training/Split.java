package dev.ganglion.models.training;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Objects;

/**
 * One split of a dataset: inputs {@code x [N, …]} and either regression targets {@code y [N, d_out]}
 * or class labels {@code labels [N]} (exactly one of the two is non-null).
 *
 * @param x F32 inputs, first axis the sample
 * @param targets F32 regression targets, or null for classification
 * @param labels class indices, or null for regression
 */
public record Split(Tensor x, Tensor targets, int[] labels) {
    /** Checks that exactly one target kind is given and that every part has the same sample count. */
    public Split {
        Objects.requireNonNull(x, "Split: x is null");
        if ((targets == null) == (labels == null)) {
            throw new IllegalArgumentException("Split: give either regression targets or class labels, not "
                    + (targets == null ? "neither" : "both"));
        }
        int n = x.shape().dim(0);
        int m = targets != null ? targets.shape().dim(0) : labels.length;
        if (n != m) {
            throw new IllegalArgumentException("Split: x " + x.shape() + " has " + n + " samples but the targets have " + m);
        }
        x = x.to(DType.F32).contiguous();
        targets = targets == null ? null : targets.to(DType.F32).contiguous();
    }

    /** Number of samples. */
    public int size() {
        return x.shape().dim(0);
    }

    /** True when the targets are class labels. */
    public boolean classification() {
        return labels != null;
    }

    /** The samples {@code order[from..to)}, copied in that order. */
    public Split gather(int[] order, int from, int to) {
        if (from < 0 || to > order.length || from > to) {
            throw new IllegalArgumentException("Split.gather: range [" + from + ", " + to + ") outside 0.." + order.length);
        }
        Tensor gx = rows(x, order, from, to);
        if (labels == null) {
            return new Split(gx, rows(targets, order, from, to), null);
        }
        int[] l = new int[to - from];
        for (int i = from; i < to; i++) {
            l[i - from] = labels[order[i]];
        }
        return new Split(gx, null, l);
    }

    /** The samples {@code [from, to)} in order. */
    public Split range(int from, int to) {
        int[] order = new int[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        return gather(order, 0, order.length);
    }

    private static Tensor rows(Tensor t, int[] order, int from, int to) {
        int n = t.shape().dim(0);
        int row = n == 0 ? 0 : t.shape().size() / n;
        // NOTE: the constructor made t contiguous F32, so its storage can be read at its offset directly.
        float[] src = t.floatArray();
        int base = t.offset();
        float[] out = new float[(to - from) * row];
        for (int i = from; i < to; i++) {
            int s = order[i];
            if (s < 0 || s >= n) {
                throw new IllegalArgumentException("Split.gather: sample " + s + " outside 0.." + n);
            }
            System.arraycopy(src, base + s * row, out, (i - from) * row, row);
        }
        int[] dims = t.shape().dims();
        dims[0] = to - from;
        return Tensor.wrap(out, Shape.of(dims));
    }
}
