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
        if (check(owner.typeName() + "'s '" + name + "' " + value.shape(), value.shape().size())) {
            CURRENT.get().used += value.shape().size();
        }
    }

    /**
     * Fails now, as the registrations would, when {@code elements} more elements of state would pass
     * the current cap; charges nothing. For a builder that allocates several tensors before the
     * module that registers them exists, so that it stops before allocating them.
     *
     * @param what the tensors, for the error (e.g. {@code "CircuitNet's cmu.linear and cmu.product"})
     * @throws IllegalArgumentException naming them, the cap and what it counted so far
     */
    public static void reserve(String what, long elements) {
        check(what + " (" + elements + " elements)", elements);
    }

    /** Throws when {@code n} more elements would pass the cap; false when no cap is set. */
    private static boolean check(String what, long n) {
        if (!CURRENT.isBound()) {
            return false;
        }
        StateBudget b = CURRENT.get();
        if (n > b.cap - b.used) {
            throw new IllegalArgumentException("the model described needs more than " + b.cap + " elements of state ("
                    + b.what + "): " + what + " brings it past that, after " + b.used + " elements");
        }
        return true;
    }
}
