package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Indexing;
import java.util.Arrays;

/** The joining and indexing rules of {@link Gradients}. */
final class IndexGrads {
    private IndexGrads() {}

    /** CONCAT ({@code ints = [axis]}): each part's gradient is its slice of g (a view). */
    static Tensor[] concat(Node n, Tensor g) {
        int axis = n.ints[0];
        Tensor[] grads = new Tensor[n.inputs.length];
        int at = 0;
        for (int i = 0; i < grads.length; i++) {
            int len = n.inputs[i].dim(axis);
            grads[i] = g.slice(axis, at, at + len);
            at += len;
        }
        return grads;
    }

    /** SPLIT ({@code ints = [axis, size…]}): the pieces' gradients joined, zeros for pieces without one. */
    static Tensor split(Node n, Tensor[] gs) {
        int axis = n.ints[0];
        Shape in = n.inputs[0].shape();
        Tensor[] parts = new Tensor[gs.length];
        for (int i = 0; i < gs.length; i++) {
            parts[i] = gs[i] != null ? gs[i] : Tensor.zeros(in.with(axis, n.ints[i + 1]), n.inputs[0].dtype());
        }
        return Indexing.concat(axis, parts);
    }

    /** INDEX_SELECT ({@code ints = [axis]}, {@code aux = index}): g index-added into zeros (its adjoint). */
    static Tensor indexSelect(Node n, Tensor g) {
        return Indexing.indexAddInto(g.newZeros(n.inputs[0].shape()), n.ints[0], (int[]) n.aux, g);
    }

    /** GATHER ({@code ints = [axis, indexShape…]}, {@code aux = index}): g scatter-added into zeros. */
    static Tensor gather(Node n, Tensor g) {
        Tensor zeros = g.newZeros(n.inputs[0].shape());
        return Indexing.scatterAdd(zeros, n.ints[0], (int[]) n.aux, indexShape(n), g);
    }

    /**
     * SCATTER_ADD: the source's gradient gathers g at the scattered positions; a source larger than
     * the index (only its leading part is scattered) gets 0 in the rest.
     */
    static Tensor scatterAddSource(Node n, Tensor g) {
        Tensor gathered = Indexing.gather(g, n.ints[0], (int[]) n.aux, indexShape(n));
        Shape src = n.inputs[1].shape();
        if (src.equals(gathered.shape())) {
            return gathered;
        }
        Tensor out = g.newZeros(src);
        Tensor leading = out;
        for (int d = 0; d < src.rank(); d++) {
            leading = leading.slice(d, 0, gathered.shape().dim(d));
        }
        leading.copyFrom(gathered);
        return out;
    }

    private static Shape indexShape(Node n) {
        return Shape.of(Arrays.copyOfRange(n.ints, 1, n.ints.length));
    }
}
