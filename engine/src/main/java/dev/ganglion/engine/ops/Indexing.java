package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Shape ops that move elements: concatenation, splitting, selection by index, gather/scatter and
 * one-hot encoding. Inputs may be any view. Every result is a new contiguous tensor except
 * {@link #split}, which returns views. Bad indices throw {@link IllegalArgumentException} naming the
 * op, the index, its position and the shape.
 */
public final class Indexing {
    private Indexing() {}

    /**
     * Joins tensors along {@code axis}; all must share dtype, rank and every other dimension, and the
     * result must be a shape a tensor can have (its axis size the sum of theirs, computed in long:
     * parts whose sizes add up past an int are refused, naming them, not wrapped).
     */
    public static Tensor concat(int axis, Tensor... ts) {
        if (ts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        Tensor first = ts[0];
        int a = first.shape().axis(axis, "concat");
        long total = 0;
        for (Tensor t : ts) {
            Checks.sameDType("concat", first, t);
            if (t.rank() != first.rank() || !t.shape().with(a, 0).equals(first.shape().with(a, 0))) {
                throw new IllegalArgumentException("concat: shape " + t.shape() + " does not match "
                        + first.shape() + " outside axis " + a);
            }
            total += t.dim(a);
        }
        Tensor out = Tensor.zeros(joinedShape(first.shape(), a, total, ts), first.dtype());
        int at = 0;
        for (Tensor t : ts) {
            Runs.copy(t, out.slice(a, at, at + t.dim(a)));
            at += t.dim(a);
        }
        return out;
    }

    /**
     * Cuts {@code x} along {@code axis} into pieces of the given sizes, which must add up to the axis
     * size. Returns VIEWS sharing x's storage (no copy); a write to x shows through them.
     */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        int a = x.shape().axis(axis, "split");
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != x.dim(a)) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", not to " + x.dim(a) + " (axis " + a + " of shape " + x.shape() + ")");
        }
        Tensor[] parts = new Tensor[sizes.length];
        for (int i = 0, at = 0; i < sizes.length; at += sizes[i++]) {
            parts[i] = x.slice(a, at, at + sizes[i]);
        }
        return parts;
    }

    /** {@code y = x} with axis {@code axis} re-indexed: {@code y[…, i, …] = x[…, indices[i], …]}. */
    public static Tensor indexSelect(Tensor x, int axis, int[] indices) {
        int a = x.shape().axis(axis, "indexSelect");
        for (int i = 0; i < indices.length; i++) {
            Checks.index("indexSelect", indices[i], i, a, x.shape());
        }
        Tensor out = Tensor.zeros(x.shape().with(a, indices.length), x.dtype());
        AxisIndex.select(Runs.contiguous(x), product(x.shape(), 0, a), x.dim(a), product(x.shape(), a + 1, x.rank()),
                indices, out);
        return out;
    }

    /**
     * {@code torch.index_add} into a copy of {@code target}: {@code y[…, indices[i], …] += src[…, i, …]},
     * src of target's shape except {@code indices.length} on {@code axis}. Duplicate indices
     * accumulate, in order of i. It is the adjoint of {@link #indexSelect}.
     */
    public static Tensor indexAdd(Tensor target, int axis, int[] indices, Tensor src) {
        return indexAddInto(target.copy(), axis, indices, src);
    }

    /**
     * {@link #indexAdd} in place: adds into {@code target} (any view but a broadcast one,
     * {@link Tensor#requireWritable}) and returns it. A src that
     * shares target's storage is read as it was before the call.
     */
    public static Tensor indexAddInto(Tensor target, int axis, int[] indices, Tensor src) {
        int a = target.shape().axis(axis, "indexAdd");
        target.requireWritable("indexAdd");
        Checks.sameDType("indexAdd", target, src);
        src = src.sharesStorage(target) ? src.copy() : src;
        Shape expected = target.shape().with(a, indices.length);
        if (!src.shape().equals(expected)) {
            throw new IllegalArgumentException("indexAdd: source shape " + src.shape() + " should be " + expected
                    + " (target " + target.shape() + " with the " + indices.length + " indices on axis " + a + ")");
        }
        for (int i = 0; i < indices.length; i++) {
            Checks.index("indexAdd", indices[i], i, a, target.shape());
        }
        Tensor t = Runs.contiguous(target);
        AxisIndex.add(t, product(t.shape(), 0, a), t.dim(a), product(t.shape(), a + 1, t.rank()), indices,
                Runs.contiguous(src));
        if (t != target) {
            Runs.copy(t, target);
        }
        return target.markWritten();
    }

    /**
     * {@code torch.gather}: {@code y[p] = x[p with axis a replaced by index[p]]} for every position p
     * of {@code indexShape}, which must have x's rank and be no larger than x outside axis a.
     * {@code index} holds the indices in row-major order.
     */
    public static Tensor gather(Tensor x, int axis, int[] index, Shape indexShape) {
        int a = x.shape().axis(axis, "gather");
        checkIndexShape("gather", x.shape(), a, index, indexShape, false);
        int[] from = positions("gather", x, a, index, indexShape);
        Tensor out = Tensor.zeros(indexShape, x.dtype());
        if (x.dtype() == DType.F32) {
            float[] s = x.floatArray();
            float[] d = out.floatArray();
            for (int i = 0; i < from.length; i++) {
                d[i] = s[from[i]];
            }
        } else {
            double[] s = x.doubleArray();
            double[] d = out.doubleArray();
            for (int i = 0; i < from.length; i++) {
                d[i] = s[from[i]];
            }
        }
        return out;
    }

    /**
     * {@code torch.scatter_add} into a copy of {@code target}: {@code y[p with axis a replaced by
     * index[p]] += src[p]} for every position p of {@code indexShape} (no larger than src, and no
     * larger than target outside axis a). Duplicate indices accumulate, in row-major order of p.
     */
    public static Tensor scatterAdd(Tensor target, int axis, int[] index, Shape indexShape, Tensor src) {
        return scatterAddInto(target.copy(), axis, index, indexShape, src);
    }

    /**
     * {@link #scatterAdd} in place: adds into {@code target} (any view but a broadcast one,
     * {@link Tensor#requireWritable}) and returns it. A src that
     * shares target's storage is read as it was before the call.
     */
    public static Tensor scatterAddInto(Tensor target, int axis, int[] index, Shape indexShape, Tensor src) {
        int a = target.shape().axis(axis, "scatterAdd");
        target.requireWritable("scatterAdd");
        Checks.sameDType("scatterAdd", target, src);
        src = src.sharesStorage(target) ? src.copy() : src;
        checkIndexShape("scatterAdd", target.shape(), a, index, indexShape, false);
        checkIndexShape("scatterAdd", src.shape(), a, index, indexShape, true);
        int[] to = positions("scatterAdd", target, a, index, indexShape);
        int[] from = positions("scatterAdd", src, -1, null, indexShape);
        if (target.dtype() == DType.F32) {
            float[] t = target.floatArray();
            float[] s = src.floatArray();
            for (int i = 0; i < to.length; i++) {
                t[to[i]] += s[from[i]];
            }
        } else {
            double[] t = target.doubleArray();
            double[] s = src.doubleArray();
            for (int i = 0; i < to.length; i++) {
                t[to[i]] += s[from[i]];
            }
        }
        return target.markWritten();
    }

    /** Float32 one-hot rows: {@code y[i, labels[i]] = 1}, shape {@code [labels.length, classes]}. */
    public static Tensor oneHot(int[] labels, int classes) {
        return oneHot(labels, classes, DType.F32);
    }

    /** {@link #oneHot(int[], int)} in the given dtype. */
    public static Tensor oneHot(int[] labels, int classes, DType dtype) {
        if (classes < 0) {
            throw new IllegalArgumentException("oneHot: negative number of classes " + classes);
        }
        Shape shape = Shape.of(labels.length, classes);
        Tensor out = Tensor.zeros(shape, dtype);
        for (int i = 0; i < labels.length; i++) {
            Checks.index("oneHot", labels[i], i, 1, shape);
            if (dtype == DType.F32) {
                out.floatArray()[i * classes + labels[i]] = 1f;
            } else {
                out.doubleArray()[i * classes + labels[i]] = 1.0;
            }
        }
        return out;
    }

    /**
     * Rearranges {@code t}'s elements in place, in row-major order: element i takes the old element
     * {@code from[i]}, or 0 where {@code from[i] < 0}. What a rewired sparse layer does to its values,
     * their gradient and its optimizer state (kept connections move, new ones start at 0).
     *
     * @throws IllegalArgumentException when {@code from} is not of t's size or a source is out of range
     */
    public static Tensor remapInto(Tensor t, int[] from) {
        t.requireWritable("remapInto");
        if (from.length != t.size()) {
            throw new IllegalArgumentException("remapInto: " + from.length + " sources for a tensor of " + t.size()
                    + " elements " + t.shape());
        }
        for (int i = 0; i < from.length; i++) {
            if (from[i] >= t.size()) {
                throw new IllegalArgumentException("remapInto: source " + from[i] + " of element " + i
                        + " outside [0, " + t.size() + ")");
            }
        }
        if (t.dtype() == DType.F32 && t.isContiguous()) {
            // the common case (a layer's values, their gradient, optimizer state) without a detour through double
            float[] a = t.floatArray();
            float[] old = t.toFloatArray();
            for (int i = 0; i < from.length; i++) {
                a[t.offset() + i] = from[i] < 0 ? 0f : old[from[i]];
            }
            return t.markWritten();
        }
        double[] old = t.contiguous().toDoubleArray();
        double[] moved = new double[from.length];
        for (int i = 0; i < from.length; i++) {
            moved[i] = from[i] < 0 ? 0 : old[from[i]];
        }
        t.copyFrom(Tensor.wrap(moved, t.shape()).to(t.dtype()));
        return t;
    }

    // ---------------------------------------------------------------- helpers

    /** {@code shape} with axis {@code a} of size {@code total}, refused by Shape's rule naming the parts. */
    private static Shape joinedShape(Shape shape, int a, long total, Tensor[] ts) {
        long[] dims = new long[shape.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i == a ? total : shape.dim(i);
        }
        try {
            return Shape.ofSizes("concat", dims);
        } catch (IllegalArgumentException tooLarge) {   // the only error: no size is negative
            String parts = Arrays.stream(ts).map(t -> t.shape().toString()).collect(Collectors.joining(", "));
            throw new IllegalArgumentException(tooLarge.getMessage() + " (joining " + ts.length + " tensors of shapes "
                    + parts + " along axis " + a + ")", tooLarge);
        }
    }

    private static int product(Shape s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= s.dim(i);
        }
        return p;
    }

    /**
     * Checks {@code indexShape} against {@code shape}: same rank, {@code index.length} elements, and
     * no larger on every axis ({@code all}) or every axis but {@code axis}.
     */
    private static void checkIndexShape(String op, Shape shape, int axis, int[] index, Shape indexShape, boolean all) {
        if (index.length != indexShape.size()) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for index shape " + indexShape);
        }
        boolean ok = indexShape.rank() == shape.rank();
        for (int d = 0; ok && d < shape.rank(); d++) {
            ok = indexShape.dim(d) <= shape.dim(d) || (d == axis && !all);
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": index shape " + indexShape + " does not fit shape " + shape
                    + (all ? "" : " outside axis " + axis) + " (ranks must match, sizes must not exceed)");
        }
    }

    /**
     * Storage position in {@code t} of every position p of {@code indexShape} (row-major), with the
     * coordinate on {@code axis} replaced by {@code index[p]} when {@code index} is not null.
     */
    private static int[] positions(String op, Tensor t, int axis, int[] index, Shape indexShape) {
        int n = indexShape.size();
        int[] pos = new int[n];
        int r = indexShape.rank();
        if (n == 0 || r == 0) {
            if (n == 1) {
                pos[0] = t.offset();
            }
            return pos;
        }
        // Row by row along the last axis: an odometer over the leading axes gives each row's start
        // (the axis coordinate counted as 0 when indexed), then the row is one strided run.
        int[] dims = indexShape.dims();
        int[] st = t.strides();
        int last = r - 1;
        int len = dims[last];
        boolean indexed = index != null;
        int step = indexed && axis == last ? 0 : st[last];
        int axisStride = indexed ? st[axis] : 0;
        int axisSize = indexed ? t.dim(axis) : 0;
        int[] idx = new int[last];
        int base = t.offset();
        for (int p = 0; p < n; p += len) {
            for (int k = 0; k < len; k++) {
                int at = base + k * step;
                if (indexed) {
                    int v = index[p + k];
                    if (v < 0 || v >= axisSize) {
                        Checks.index(op, v, p + k, axis, t.shape());
                    }
                    at += v * axisStride;
                }
                pos[p + k] = at;
            }
            for (int a = last - 1; a >= 0; a--) {
                int s = indexed && a == axis ? 0 : st[a];
                if (++idx[a] < dims[a]) {
                    base += s;
                    break;
                }
                base -= s * (dims[a] - 1);
                idx[a] = 0;
            }
        }
        return pos;
    }
}
