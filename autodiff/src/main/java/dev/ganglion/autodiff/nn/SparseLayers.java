package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;

/** Pieces shared by the sparse layers. */
final class SparseLayers {
    private SparseLayers() {}

    /** {@code y + b} (broadcast over the leading axes), or y when there is no bias. */
    static Var addBias(Var y, Var bias) {
        return bias == null ? y : y.add(bias);
    }

    /**
     * A copy of a {@code [rows]} bias of the weight's {@code dtype}, or an error naming the layer
     * (a float32 bias on a float64 weight would otherwise fail only at the first forward pass).
     */
    static Tensor checkBias(Module layer, Tensor bias, int rows, DType dtype) {
        if (bias.rank() != 1 || bias.dim(0) != rows) {
            throw new IllegalArgumentException(layer.typeName() + ": bias of shape " + bias.shape() + "; expected [" + rows + "]");
        }
        if (bias.dtype() != dtype) {
            throw new IllegalArgumentException(layer.typeName() + ": bias is " + bias.dtype() + " but the weight is "
                    + dtype + "; expected a " + dtype + " bias of shape [" + rows + "]");
        }
        return bias.copy();
    }
}
