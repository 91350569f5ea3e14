package dev.ganglion.autodiff;

import dev.ganglion.engine.Tensor;
import java.util.Objects;

/**
 * Records op applications: the one place that decides whether a result gets a {@link Node}
 * (grad mode on and some input requires grad) or is a plain constant.
 */
final class Graph {
    static final Tensor[] NOTHING = new Tensor[0];

    private Graph() {}

    /** Readable call sites: {@code record(Op.EXP, y, in(x), save(y))}. */
    static Var[] in(Var... inputs) {
        return inputs;
    }

    static Tensor[] save(Tensor... tensors) {
        return tensors;
    }

    /** True when a result of these inputs must be recorded. */
    static boolean tracking(Var... inputs) {
        if (!NoGrad.isGradEnabled()) {
            return false;
        }
        for (Var v : inputs) {
            if (v != null && v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Records a single-output op without attributes. */
    static Var record(Op op, Tensor out, Var[] inputs, Tensor[] saved) {
        return record(op, out, inputs, saved, null, 0, null);
    }

    /** Records a single-output op with integer attributes. */
    static Var record(Op op, Tensor out, Var[] inputs, Tensor[] saved, int... ints) {
        return record(op, out, inputs, saved, ints, 0, null);
    }

    /**
     * Records a single-output op: a result with a node when {@link #tracking}, else a constant.
     *
     * @param saved tensors the backward rule reads (their storage versions are recorded now)
     */
    static Var record(Op op, Tensor out, Var[] inputs, Tensor[] saved, int[] ints, double real, Object aux) {
        if (!tracking(inputs)) {
            return new Var(out, null, 0, false);
        }
        Node node = new Node(op, inputs, saved, 1, ints, real, aux);
        node.noteSavedOutputs(out);
        return new Var(out, node, 0, true);
    }

    /** Records a multi-output op: output {@code i} is {@code outs[i]}. */
    static Var[] recordAll(Op op, Tensor[] outs, Var[] inputs, Tensor[] saved, int[] ints, Object aux) {
        Var[] result = new Var[outs.length];
        Node node = tracking(inputs) ? new Node(op, inputs, saved, outs.length, ints, 0, aux) : null;
        for (int i = 0; i < outs.length; i++) {
            result[i] = new Var(outs[i], node, i, node != null);
        }
        if (node != null) {
            node.noteSavedOutputs(outs);
        }
        return result;
    }

    /** Null-checks op arguments with a message naming the op. */
    static Var[] require(String op, Var... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            Objects.requireNonNull(inputs[i], () -> op + ": input is null");
        }
        return inputs;
    }
}
