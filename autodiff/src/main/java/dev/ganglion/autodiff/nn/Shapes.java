package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;

/** Input checks shared by the layers, naming the layer and the shapes. */
final class Shapes {
    private Shapes() {}

    /** {@code x [..., features]} with at least one axis. */
    static void checkLastAxis(Module layer, Var x, int features) {
        if (x.rank() < 1 || x.dim(-1) != features) {
            throw new IllegalArgumentException(layer + ": input of shape " + x.shape() + "; expected [..., "
                    + features + "]");
        }
    }
}
