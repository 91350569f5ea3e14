package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;

/** Pieces shared by the sparse layers. */
final class SparseLayers {
    private SparseLayers() {}

    /** {@code y + b} (broadcast over the leading axes), or y when there is no bias. */
    static Var addBias(Var y, Var bias) {
        return bias == null ? y : y.add(bias);
    }

    /** A copy of a {@code [rows]} bias, or an error naming the layer. */
    static Tensor checkBias(Module layer, Tensor bias, int rows) {
        if (bias.rank() != 1 || bias.dim(0) != rows) {
            throw new IllegalArgumentException(layer.typeName() + ": bias of shape " + bias.shape() + "; expected [" + rows + "]");
        }
        return bias.copy();
    }
}
