package dev.ganglion.autodiff;

import static dev.ganglion.autodiff.Graph.NOTHING;
import static dev.ganglion.autodiff.Graph.record;
import static dev.ganglion.autodiff.Graph.require;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Indexing;

/**
 * Differentiable joining and indexing, computed by the engine's {@code Indexing}. Index arrays
 * are constants (copied when recorded); gradients flow to the tensor arguments only.
 */
public final class IndexOps {
    private IndexOps() {}

    /** Joins {@code parts} along {@code axis} (the other axes must match). {@code dpartₖ = slice of dy}. */
    public static Var concat(int axis, Var... parts) {
        Tensor[] values = new Tensor[require("concat", parts).length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parts[i].value();
        }
        Tensor y = Indexing.concat(axis, values);
        return record(Op.CONCAT, y, parts.clone(), NOTHING, y.shape().axis(axis, "concat"));
    }

    /**
     * {@code parts} (all of one shape) joined along a new axis {@code axis} (in {@code [−rank−1, rank]}),
     * PyTorch's {@code stack}: {@link #concat} of the parts each {@link ViewOps#unsqueeze unsqueezed}.
     *
     * @throws IllegalArgumentException when there are no parts, their shapes differ, or the axis is out of range
     */
    public static Var stack(int axis, Var... parts) {
        if (require("stack", parts).length == 0) {
            throw new IllegalArgumentException("stack: needs at least one part");
        }
        Var[] lifted = new Var[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].shape().equals(parts[0].shape())) {
                throw new IllegalArgumentException("stack: part " + i + " has shape " + parts[i].shape()
                        + ", part 0 " + parts[0].shape() + "; all parts need one shape");
            }
            if (parts[i].dtype() != parts[0].dtype()) {   // before concat's check, which would name concat
                throw new IllegalArgumentException("stack: part " + i + " is " + parts[i].dtype() + ", part 0 "
                        + parts[0].dtype() + "; all parts need one dtype");
            }
            lifted[i] = ViewOps.unsqueeze(parts[i], axis);
        }
        return concat(axis, lifted);
    }

    /**
     * {@code x} cut along {@code axis} into {@code chunks} pieces of {@code ⌈size/chunks⌉} elements,
     * the last smaller (PyTorch's {@code chunk}: fewer pieces when the size runs out, {@code chunks}
     * empty pieces of an empty axis); a {@link #split}.
     *
     * @throws IllegalArgumentException when {@code chunks < 1} or the axis is out of range
     */
    public static Var[] chunk(Var x, int chunks, int axis) {
        if (chunks < 1) {
            throw new IllegalArgumentException("chunk: needs chunks ≥ 1, got " + chunks + " for shape " + x.shape());
        }
        int size = x.dim(x.shape().axis(axis, "chunk"));
        int step = Math.max(1, (size + chunks - 1) / chunks);
        int[] sizes = new int[size == 0 ? chunks : (size + step - 1) / step];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Math.max(0, Math.min(step, size - i * step));
        }
        return split(x, axis, sizes);
    }

    /**
     * Cuts {@code x} along {@code axis} into pieces of the given sizes (summing to the axis size);
     * one node with one output per piece. {@code dx = concat(dpieceₖ)} (zeros for unused pieces).
     */
    public static Var[] split(Var x, int axis, int... sizes) {
        Tensor[] pieces = Indexing.split(x.value(), axis, sizes);
        int[] ints = new int[sizes.length + 1];
        ints[0] = x.shape().axis(axis, "split");
        System.arraycopy(sizes, 0, ints, 1, sizes.length);
        return Graph.recordAll(Op.SPLIT, pieces, require("split", x), NOTHING, ints, null);
    }

    /**
     * {@code y[…, k, …] = x[…, index[k], …]} along {@code axis}. {@code dx} adds {@code dy} back at the
     * chosen positions (repeated indices accumulate).
     */
    public static Var indexSelect(Var x, int axis, int[] index) {
        Tensor y = Indexing.indexSelect(x.value(), axis, index);
        return record(Op.INDEX_SELECT, y, require("indexSelect", x), NOTHING, new int[] {x.shape().axis(axis,
                "indexSelect")}, 0, index.clone());
    }

    /**
     * {@code y[p] = x[p with axis coordinate replaced by index[p]]}, {@code index} row-major of shape
     * {@code indexShape} (PyTorch {@code gather}). {@code dx = scatterAdd(0, axis, index, dy)}.
     */
    public static Var gather(Var x, int axis, int[] index, Shape indexShape) {
        Tensor y = Indexing.gather(x.value(), axis, index, indexShape);
        return record(Op.GATHER, y, require("gather", x), NOTHING, gatherInts(x, axis, indexShape, "gather"), 0,
                index.clone());
    }

    /**
     * {@code y = target} plus, for every position p of {@code src}, {@code src[p]} added at p with its
     * axis coordinate replaced by {@code index[p]} (PyTorch {@code scatter_add}).
     * {@code dtarget = dy}, {@code dsrc = gather(dy, axis, index)}.
     */
    public static Var scatterAdd(Var target, int axis, int[] index, Shape indexShape, Var src) {
        Tensor y = Indexing.scatterAdd(target.value(), axis, index, indexShape, src.value());
        return record(Op.SCATTER_ADD, y, require("scatterAdd", target, src), NOTHING,
                gatherInts(target, axis, indexShape, "scatterAdd"), 0, index.clone());
    }

    /** {@code [axis, indexShape…]}. */
    private static int[] gatherInts(Var x, int axis, Shape indexShape, String op) {
        int[] ints = new int[indexShape.rank() + 1];
        ints[0] = x.shape().axis(axis, op);
        for (int i = 0; i < indexShape.rank(); i++) {
            ints[i + 1] = indexShape.dim(i);
        }
        return ints;
    }
}
