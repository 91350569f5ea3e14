package dev.ganglion.autodiff.nn;

/** How a loss combines its per-element terms. */
public enum Reduction {
    /** The mean of the terms (PyTorch's default). */
    MEAN,
    /** The sum of the terms. */
    SUM,
    /** The terms themselves, unreduced. */
    NONE
}
