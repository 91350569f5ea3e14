package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import java.util.Arrays;

/** The joining and indexing rules of {@link Gradients}. */
final class IndexGrads {
    private IndexGrads() {}

    /** CONCAT ({@code ints = [axis]}): each part's gradient is its slice of g (a view). */
    static <T> T[] concat(GradAlgebra<T> a, Node n, T g) {
        int axis = n.ints[0];
        T[] grads = a.array(n.inputs.length);
        int at = 0;
        for (int i = 0; i < grads.length; i++) {
            int len = n.inputs[i].dim(axis);
            grads[i] = a.slice(g, axis, at, at + len);
            at += len;
        }
        return grads;
    }

    /** SPLIT ({@code ints = [axis, size…]}): the pieces' gradients joined, zeros for pieces without one. */
    static <T> T split(GradAlgebra<T> a, Node n, T[] gs) {
        int axis = n.ints[0];
        Shape in = n.inputs[0].shape();
        T[] parts = a.array(gs.length);
        for (int i = 0; i < gs.length; i++) {
            parts[i] = gs[i] != null ? gs[i] : a.zeros(in.with(axis, n.ints[i + 1]), n.inputs[0].dtype());
        }
        return a.concat(axis, parts);
    }

    /** GATHER ({@code ints = [axis, indexShape…]}, {@code aux = index}): g scatter-added into zeros. */
    static <T> T gather(GradAlgebra<T> a, Node n, T g) {
        T zeros = a.zeros(n.inputs[0].shape(), n.inputs[0].dtype());
        return a.scatterAdd(zeros, n.ints[0], (int[]) n.aux, indexShape(n), g);
    }

    /**
     * SCATTER_ADD: the source's gradient gathers g at the scattered positions; a source larger than
     * the index (only its leading part is scattered) gets 0 in the rest.
     */
    static <T> T scatterAddSource(GradAlgebra<T> a, Node n, T g) {
        T gathered = a.gather(g, n.ints[0], (int[]) n.aux, indexShape(n));
        Shape src = n.inputs[1].shape();
        for (int d = 0; d < src.rank(); d++) {
            Shape s = a.shape(gathered);
            if (s.dim(d) != src.dim(d)) {
                gathered = a.unslice(gathered, s.with(d, src.dim(d)), d, 0, 1);
            }
        }
        return gathered;
    }

    private static Shape indexShape(Node n) {
        return Shape.of(Arrays.copyOfRange(n.ints, 1, n.ints.length));
    }
}
