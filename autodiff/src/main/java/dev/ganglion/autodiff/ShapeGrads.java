package dev.ganglion.autodiff;

import static dev.ganglion.engine.ops.Elementwise.eq;
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
    static <T> T unreduce(GradAlgebra<T> a, Node n, T g) {
        T k = g;
        if (n.ints[0] == 0) {
            int[] axes = Arrays.copyOfRange(n.ints, 1, n.ints.length);
            Arrays.sort(axes);
            for (int axis : axes) {
                k = a.unsqueeze(k, axis);
            }
        }
        return a.expand(k, n.inputs[0].shape().dims());
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
    static <T> T keep(GradAlgebra<T> a, Node n, T t) {
        return n.ints[1] == 1 ? t : a.unsqueeze(t, n.ints[0]);
    }

    /**
     * MAX/MIN with saved {@code (x, y)}: {@code dx = [x = y]·g / #{x = y}} along the axis.
     *
     * <p>// NOTE: ties share the gradient evenly (see {@link ReductionOps#max}).
     */
    static <T> T extremum(GradAlgebra<T> a, Node n, T g) {
        Tensor y = n.ints[1] == 1 ? n.saved(1) : n.saved(1).unsqueeze(n.ints[0]);
        Tensor mask = eq(n.saved(0), y);
        Tensor count = sum(mask, true, n.ints[0]);
        return a.mul(a.constant(mask), a.div(keep(a, n, g), a.constant(count)));
    }

    /** The permutation that undoes {@code order}. */
    static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inv[order[i]] = i;
        }
        return inv;
    }
}
