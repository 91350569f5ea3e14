package dev.ganglion.autodiff;

import static dev.ganglion.engine.ops.Elementwise.div;
import static dev.ganglion.engine.ops.Elementwise.eq;
import static dev.ganglion.engine.ops.Elementwise.mul;
import static dev.ganglion.engine.ops.Reductions.sum;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;

/** Pieces of the reduction and view rules of {@link Gradients} that need more than one line. */
final class ShapeGrads {
    private ShapeGrads() {}

    /**
     * SUM/MEAN ({@code ints = [keepDims, axis…]}): {@code dx = g} re-inserted at the reduced axes and
     * broadcast over them (a stride-0 view, nothing copied).
     */
    static Tensor unreduce(Node n, Tensor g) {
        Tensor k = g;
        if (n.ints[0] == 0) {
            int[] axes = Arrays.copyOfRange(n.ints, 1, n.ints.length);
            Arrays.sort(axes);
            for (int a : axes) {
                k = k.unsqueeze(a);
            }
        }
        return k.expand(n.inputs[0].shape().dims());
    }

    /** Number of elements each output of SUM/MEAN summed. */
    static int reducedCount(Node n) {
        Shape in = n.inputs[0].shape();
        int count = 1;
        for (int i = 1; i < n.ints.length; i++) {
            count *= in.dim(n.ints[i]);
        }
        return count;
    }

    /** For single-axis reductions ({@code ints = [axis, keepDims]}): {@code t} with the axis kept. */
    static Tensor keep(Node n, Tensor t) {
        return n.ints[1] == 1 ? t : t.unsqueeze(n.ints[0]);
    }

    /**
     * MAX/MIN with saved {@code (x, y)}: {@code dx = [x = y]·g / #{x = y}} along the axis.
     *
     * <p>// NOTE: ties share the gradient evenly (see {@link ReductionOps#max}).
     */
    static Tensor extremum(Node n, Tensor g) {
        Tensor mask = eq(n.saved(0), keep(n, n.saved(1)));
        Tensor count = sum(mask, true, n.ints[0]);
        return mul(mask, div(keep(n, g), count));
    }

    /** The permutation that undoes {@code order}. */
    static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inv[order[i]] = i;
        }
        return inv;
    }

    /** SLICE ({@code ints = [axis, start, count, step]}): g written into zeros at the sliced positions. */
    static Tensor unslice(Node n, Tensor g) {
        Tensor z = g.newZeros(n.inputs[0].shape());
        int axis = n.ints[0];
        int start = n.ints[1];
        int count = n.ints[2];
        int step = n.ints[3];
        if (count > 0) {
            z.slice(axis, start, start + (count - 1) * step + 1, step).copyFrom(g);
        }
        return z;
    }

    /** SELECT ({@code ints = [axis, index]}): g written into zeros at the selected index. */
    static Tensor unselect(Node n, Tensor g) {
        Tensor z = g.newZeros(n.inputs[0].shape());
        z.select(n.ints[0], n.ints[1]).copyFrom(g);
        return z;
    }
}
