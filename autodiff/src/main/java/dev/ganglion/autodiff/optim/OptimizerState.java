package dev.ganglion.autodiff.optim;

import dev.ganglion.engine.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of an {@link Optimizer}: its kind, learning rate, and per parameter (in the
 * optimizer's order) the step count and the state buffers by name (empty before the first step).
 */
public record OptimizerState(String kind, double lr, long[] steps, List<Map<String, Tensor>> buffers) {
    /**
     * Copies {@code steps}, the list and each parameter's map (unmodifiable; the tensors themselves
     * are shared: {@link Optimizer#stateDict()} hands out copies); one step count per parameter.
     */
    public OptimizerState {
        if (steps.length != buffers.size()) {
            throw new IllegalArgumentException("OptimizerState: " + steps.length + " step counts for "
                    + buffers.size() + " parameters");
        }
        steps = steps.clone();
        buffers = buffers.stream().map(m -> Collections.unmodifiableMap(new LinkedHashMap<>(m))).toList();   // keeps the order
    }

    /** A copy of the step counts, one per parameter. */
    @Override
    public long[] steps() {
        return steps.clone();
    }

    /** Number of parameters. */
    public int size() {
        return steps.length;
    }
}
