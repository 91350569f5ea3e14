package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.Var;
import java.util.List;

/**
 * The state a recurrent model carries between steps or chunks: a fixed list of tensors whose
 * meaning each model documents ({@link SubLstm}: {@code h_l, c_l} per layer; {@link ElmNeuron}:
 * synapse traces {@code s} and memory {@code m}), each {@code [B, ·]}.
 */
public record RecurrentState(List<Var> tensors) {
    /** A state of the given tensors. */
    public RecurrentState {
        tensors = List.copyOf(tensors);
    }

    /** The same values cut from the graph (truncated BPTT: no gradient flows into earlier chunks). */
    public RecurrentState detach() {
        return new RecurrentState(tensors.stream().map(Var::detach).toList());
    }

    /** Tensor {@code i}. */
    public Var get(int i) {
        return tensors.get(i);
    }

    /** Number of tensors. */
    public int size() {
        return tensors.size();
    }
}
