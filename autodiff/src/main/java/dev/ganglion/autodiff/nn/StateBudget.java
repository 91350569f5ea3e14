package dev.ganglion.autodiff.nn;

import dev.ganglion.engine.Tensor;
import java.util.function.Supplier;

/**
 * A cap on the elements of state (parameters and buffers) that modules may register while one model
 * is built, so that a build that cannot fit what is known to hold it fails at the first tensor past
 * the cap, with the tensor named, instead of running on into an {@link OutOfMemoryError}.
 *
 * <p>Its use: a checkpoint's config may describe a model far larger than the file's tensors (a
 * hand-edited {@code hidden_size}). Loading must then fail, since every state entry has to be in the
 * file with its shape, but the model is built from the config first. Built within the file's element
 * count and a slack, such a model stops after allocating at most one tensor beyond that. A module
 * whose state presents an interchange form registers no more than that form holds (a masked weight
 * registers its live values, the state a dense matrix), so the cap never refuses a model the file
 * fits.
 *
 * <p>The cap is a {@link ScopedValue}: it holds for the builder's thread and only during
 * {@link #within}; modules built anywhere else register without limit.
 */
public final class StateBudget {
    private static final ScopedValue<StateBudget> CURRENT = ScopedValue.newInstance();

    private final long cap;
    private final String what;
    private long used;

    private StateBudget(long cap, String what) {
        this.cap = cap;
        this.what = what;
    }

    /**
     * Runs {@code build} with at most {@code cap} elements of state registered during it.
     *
     * @param what where the cap comes from, for the error
     * @throws IllegalArgumentException from a registration that would pass the cap, naming the
     *     module, the entry, its shape and the cap
     */
    public static <T> T within(long cap, String what, Supplier<T> build) {
        if (cap < 0) {
            throw new IllegalArgumentException("StateBudget.within: cap " + cap + " is negative");
        }
        return ScopedValue.where(CURRENT, new StateBudget(cap, what)).call(build::get);
    }

    /** Counts a registration against the current cap, if any. */
    static void charge(Module owner, String name, Tensor value) {
        if (!CURRENT.isBound()) {
            return;
        }
        StateBudget b = CURRENT.get();
        long n = value.shape().size();
        if (n > b.cap - b.used) {
            throw new IllegalArgumentException("the model described needs more than " + b.cap + " elements of state ("
                    + b.what + "): " + owner.typeName() + "'s '" + name + "' " + value.shape()
                    + " brings it past that, after " + b.used + " elements");
        }
        b.used += n;
    }
}
