package dev.ganglion.models.g2gnet;

import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.Map;

/** Checked look-ups in a checkpoint state map. */
final class StateEntries {
    private StateEntries() {}

    /** The entry {@code name} of shape {@code dims}, or an error naming it. */
    static Tensor require(Map<String, Tensor> state, String name, int... dims) {
        Tensor t = state.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint state: missing '" + name + "'");
        }
        if (!Arrays.equals(t.shape().dims(), dims)) {
            throw new IllegalArgumentException("checkpoint state: '" + name + "' has shape " + t.shape()
                    + ", expected " + Arrays.toString(dims));
        }
        return t;
    }
}
