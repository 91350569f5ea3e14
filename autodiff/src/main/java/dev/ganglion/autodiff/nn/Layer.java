package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;

/** A module with one input and one output, {@code y = f(x)}: what {@link Sequential} chains. */
public abstract class Layer extends Module {
    /** For subclasses. */
    protected Layer() {
    }

    /** Computes the layer on {@code x}, recording the ops when grad mode is on. */
    public abstract Var forward(Var x);
}
