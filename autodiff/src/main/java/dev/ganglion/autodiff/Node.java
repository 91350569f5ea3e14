package dev.ganglion.autodiff;

import dev.ganglion.engine.Tensor;

/**
 * One recorded op application: the op, its input {@link Var}s, the tensors its backward rule
 * needs, and the op's attributes. A node is created only when grad mode is on and some input
 * requires grad; it is reachable only from its output {@code Var}s (a node never references its
 * outputs), so dropping the outputs drops the graph behind them.
 *
 * <p>Kept deliberately small and flat (no maps, no per-op subclasses): attributes are an
 * {@code int[]} (axes, sizes, bounds), one {@code double} (a scalar operand) and one {@code Object}
 * (an index array, a sparse structure, a custom function), interpreted by the op's rule in
 * {@link Gradients}.
 *
 * <p>Lifetime: {@link Backward} calls {@link #release()} as soon as the node's rule has run (unless
 * the graph is retained), which drops the saved tensors, the inputs and the pending gradients, so
 * activations are freed while the walk is still going.
 */
final class Node {
    final Op op;
    /** Number of outputs (1 except for {@link Op#SPLIT} and multi-output custom functions). */
    final int outputs;
    final int[] ints;
    final double real;
    /** Index array, sparse structure, bounds or custom-function context; dropped on release. */
    Object aux;
    Var[] inputs;
    private Tensor[] saved;
    private int[] versions;

    // ---- backward-walk state, owned by Backward
    /** Gradients flowing into each output, summed over consumers; null outside a walk. */
    Tensor[] pending;
    /** Identifies the walk that last visited this node (avoids a visited set). */
    int mark;
    /** Next input to visit in the iterative depth-first search. */
    int cursor;
    /** True when some gradient asked for lies behind this node in the current walk. */
    boolean needed;

    Node(Op op, Var[] inputs, Tensor[] saved, int outputs, int[] ints, double real, Object aux) {
        this.op = op;
        this.inputs = inputs;
        this.outputs = outputs;
        this.ints = ints;
        this.real = real;
        this.aux = aux;
        this.saved = saved;
        if (saved.length > 0) {
            versions = new int[saved.length];
            for (int i = 0; i < saved.length; i++) {
                versions[i] = saved[i].version();
            }
        }
    }

    /**
     * Saved tensor {@code i}, checked against the storage version recorded when it was saved.
     *
     * @throws IllegalStateException when the tensor was written in place after being saved, or the
     *     node was already released by an earlier backward
     */
    Tensor saved(int i) {
        if (saved == null) {
            throw freed();
        }
        Tensor t = saved[i];
        if (t.version() != versions[i]) {
            throw new IllegalStateException("autodiff: a tensor of shape " + t.shape() + " that " + op
                    + " saved for backward was modified in place after the forward (storage version "
                    + versions[i] + " → " + t.version() + "); clone it before writing, or write it before using it");
        }
        return t;
    }

    /** Number of saved tensors (0 after release). */
    int savedCount() {
        return saved == null ? 0 : saved.length;
    }

    /** Checks every saved tensor's version, so that a rule never runs on changed data. */
    void checkSaved() {
        for (int i = 0; i < savedCount(); i++) {
            saved(i);
        }
    }

    /** Whether input {@code i} takes a gradient (rules may skip expensive products for the others). */
    boolean wants(int i) {
        return inputs[i] != null && inputs[i].requiresGrad();
    }

    boolean released() {
        return inputs == null;
    }

    IllegalStateException freed() {
        return new IllegalStateException("autodiff: backward through " + op + " a second time, but the first backward "
                + "released this part of the graph (its inputs and saved tensors); pass retainGraph = true to the first call");
    }

    /** Drops everything the backward needed; the node keeps only its op (for error messages). */
    void release() {
        inputs = null;
        saved = null;
        versions = null;
        pending = null;
        aux = null;
    }
}
