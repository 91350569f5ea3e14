package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.models.NeuralModel;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A recurrent {@link NeuralModel}: {@code x [B, T, d_in] → y [B, T, d_out]} from a zero state, plus
 * the two ways of running it piecewise:
 * <ul>
 *   <li>{@link #forward(Var, RecurrentState)}: a chunk from a given state, returning the final state
 *       detached (truncated BPTT: gradients flow within the chunk only);</li>
 *   <li>{@link #step(Var, RecurrentState)}: one step {@code x_t [B, d_in] → y_t [B, d_out]} for online
 *       use, returning the next state still attached to the graph (detach it to truncate).</li>
 * </ul>
 */
public interface RecurrentModel extends NeuralModel {
    /** The zero state for a batch of {@code batch} sequences. */
    RecurrentState initialState(int batch, DType dtype);

    /** A chunk {@code x [B, T, d_in]} from {@code state}: {@code y [B, T, d_out]} and the final state, detached. */
    SequenceResult forward(Var x, RecurrentState state);

    /** One step {@code x [B, d_in]} from {@code state}: {@code y [B, d_out]} and the next state (attached). */
    SequenceResult step(Var x, RecurrentState state);

    /**
     * {@link #forward(Var, RecurrentState)} with the parameters substituted as in
     * {@link NeuralModel#forward(Var, UnaryOperator)}.
     */
    SequenceResult forward(Var x, RecurrentState state, UnaryOperator<Var> substitute);

    /** The full sequence from the zero state: {@code y [B, T, d_out]}. */
    @Override
    default Var forward(Var x) {
        checkSequence(x);
        return forward(x, initialState(x.dim(0), x.dtype())).output();
    }

    @Override
    default Var forward(Var x, UnaryOperator<Var> substitute) {
        checkSequence(x);
        return forward(x, initialState(x.dim(0), x.dtype()), substitute).output();
    }

    /**
     * The model's parameters by checkpoint name, each replaced through {@code substitute} (checked as
     * {@link NeuralModel#checkedSubstitute} checks it): how the recurrent models, which look their
     * parameters up by name, implement {@link #forward(Var, RecurrentState, UnaryOperator)}.
     */
    static Function<String, Var> substitutedByName(NeuralModel model, UnaryOperator<Var> substitute) {
        Map<String, Var> own = model.module().namedParameters();
        UnaryOperator<Var> checked = NeuralModel.checkedSubstitute(model, substitute);
        return name -> checked.apply(own.get(name));
    }

    private void checkSequence(Var x) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException(name() + ".forward: expected x [B, T, d_in], got shape " + x.shape());
        }
    }

    /**
     * Refuses an {@code x} that is not {@code [B, T ≥ 1, inputSize]} (rank 3, a chunk) or
     * {@code [B, inputSize]} (rank 2, one step), naming the model, the expected and the given shape:
     * the recurrent models' one input rule (zero steps have no readout to give).
     */
    static void checkInput(String model, Var x, int rank, int inputSize) {
        String want = rank == 3 ? "[B, T ≥ 1, " + inputSize + "]" : "[B, " + inputSize + "]";
        if (x.rank() != rank || x.dim(-1) != inputSize || (rank == 3 && x.dim(1) < 1)) {
            throw new IllegalArgumentException(model + ": expected x " + want + ", got shape " + x.shape());
        }
    }

    @Override
    default boolean recurrent() {
        return true;
    }
}
