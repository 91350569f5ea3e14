package dev.ganglion.models;

import dev.ganglion.engine.Shape;

/**
 * The one check of a product of config sizes: it must fit the elements a tensor holds
 * ({@link Shape#MAX_ELEMENTS}), else an error naming the model and the fields. Without it an int
 * product wraps round and the model fails later with a negative or wrong shape.
 */
public final class ConfigSizes {
    private ConfigSizes() {}

    /**
     * Returns {@code a·b} as an int.
     *
     * @param what the product in config names, e.g. {@code "num_branches·synapses_per_branch"}
     * @throws IllegalArgumentException when it exceeds {@link Shape#MAX_ELEMENTS}
     */
    public static int product(String model, String what, long a, long b) {
        long p = a * b;
        if (a > 0 && b > 0 && (p / b != a || p > Shape.MAX_ELEMENTS)) {
            throw new IllegalArgumentException(model + " config: " + what + " = " + a + "·" + b
                    + " exceeds the 2^31 − 9 elements a tensor holds");
        }
        return (int) p;
    }
}
