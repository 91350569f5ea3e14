package dev.ganglion.models.circuitnet;

import dev.ganglion.autodiff.Var;

/**
 * The variables one CircuitNet forward reads (null for a switched-off term): what the module passes
 * from its parameters, and what a float64 gradient check passes from its own leaves.
 */
record CircuitParams(Var encoderWeight, Var encoderBias, Var linear, Var product, Var query, Var key, Var value,
        Var bias, Var ports, Var headWeight, Var headBias) {
    /** The non-null variables in the order above. */
    Var[] present() {
        return java.util.stream.Stream.of(encoderWeight, encoderBias, linear, product, query, key, value, bias, ports,
                headWeight, headBias).filter(java.util.Objects::nonNull).toArray(Var[]::new);
    }

    /** The same layout with {@code vars} (as many as {@link #present()}, in its order) in place of the present ones. */
    CircuitParams with(Var[] vars) {
        Var[] all = {encoderWeight, encoderBias, linear, product, query, key, value, bias, ports, headWeight, headBias};
        int k = 0;
        for (int i = 0; i < all.length; i++) {
            all[i] = all[i] == null ? null : vars[k++];
        }
        return new CircuitParams(all[0], all[1], all[2], all[3], all[4], all[5], all[6], all[7], all[8], all[9], all[10]);
    }
}
