package dev.ganglion.autodiff;

import dev.ganglion.engine.Tensor;
import java.util.Arrays;

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
 * activations are freed while the walk is still going. A released node keeps only its edges (the
 * nodes behind it and the leaves it took gradients for), so that a later functional walk can tell
 * whether it needs this node, as PyTorch's autograd keeps a spent graph's edges.
 *
 * <p>Which inputs take a gradient is fixed when the op is recorded, as in PyTorch: a leaf given
 * {@code setRequiresGrad(true)} afterwards gets none from this node: the ops on that leaf that
 * recorded no node (all its inputs were constants then) would be missing, so the gradient would be
 * only part of the derivative.
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
    /** Null when every input required grad when the op was recorded; else which ones did. */
    private final boolean[] tracked;
    /** After {@link #release()}: what lies behind each input (null before, and for untracked inputs). */
    private Edge[] edges;
    private Tensor[] saved;
    private int[] versions;
    /** Which output each saved tensor is (−1: none), or null when none is; for {@link #savedOutput}. */
    private int[] savedOutputs;

    /** Where input i came from: output {@code index} of {@code node}, or the leaf {@code leaf}. */
    private record Edge(Node node, int index, Var leaf) {}

    // ---- backward-walk state, owned by Backward
    /** Gradients flowing into each output (the walk's carrier), summed over consumers; null outside a walk. */
    Object[] pending;
    /** Identifies the walk that last visited this node (avoids a visited set). */
    long mark;
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
        this.tracked = trackedInputs(inputs);
        if (saved.length > 0) {
            versions = new int[saved.length];
            for (int i = 0; i < saved.length; i++) {
                versions[i] = saved[i].version();
            }
        }
    }

    private static boolean[] trackedInputs(Var[] inputs) {
        boolean[] t = null;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null && !inputs[i].requiresGrad()) {
                if (t == null) {
                    t = new boolean[inputs.length];
                    Arrays.fill(t, true);
                }
                t[i] = false;
            }
        }
        return t;
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

    /** Notes which saved tensors are outputs (the same objects), once, by {@link Graph}. */
    void noteSavedOutputs(Tensor... outs) {
        for (int i = 0; i < saved.length; i++) {
            for (int j = 0; j < outs.length; j++) {
                if (saved[i] == outs[j]) {
                    if (savedOutputs == null) {
                        savedOutputs = new int[saved.length];
                        Arrays.fill(savedOutputs, -1);
                    }
                    savedOutputs[i] = j;
                }
            }
        }
    }

    /**
     * Saved tensor {@code i} as a {@link Var} standing for the output it is (a new wrapper of the
     * same node and output index, which the walk treats as that output), or null when it is no
     * output.
     */
    Var savedOutput(int i) {
        Tensor t = saved(i);
        return savedOutputs == null || savedOutputs[i] < 0 ? null : new Var(t, this, savedOutputs[i], true);
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
        return inputs[i] != null && (tracked == null || tracked[i]) && inputs[i].requiresGrad();
    }

    boolean released() {
        return inputs == null;
    }

    /** Number of inputs, before and after release. */
    int arity() {
        return released() ? edges.length : inputs.length;
    }

    /** The node that produced input {@code i}, or null for a leaf (or nothing). */
    Node inputNode(int i) {
        if (released()) {
            return edges[i] == null ? null : edges[i].node;
        }
        return inputs[i] == null ? null : inputs[i].node;
    }

    /** Which output of {@link #inputNode(int)} input {@code i} is. */
    int inputIndex(int i) {
        if (released()) {
            return edges[i] == null ? 0 : edges[i].index;
        }
        return inputs[i] == null ? 0 : inputs[i].index;
    }

    /** Input {@code i} when it is a leaf (after release: only one this node took a gradient for), else null. */
    Var inputLeaf(int i) {
        if (released()) {
            return edges[i] == null ? null : edges[i].leaf;
        }
        return inputs[i] != null && inputs[i].node == null ? inputs[i] : null;
    }

    IllegalStateException freed() {
        return new IllegalStateException("autodiff: backward through " + op + " a second time, but the first backward "
                + "released this part of the graph (its inputs and saved tensors); pass retainGraph = true to the first call");
    }

    /** Drops everything the backward needed; the node keeps its op (for error messages) and its edges. */
    void release() {
        Edge[] e = new Edge[inputs.length];
        for (int i = 0; i < e.length; i++) {
            Var v = inputs[i];
            if (v != null && v.node != null) {
                e[i] = new Edge(v.node, v.index, null);
            } else if (wants(i)) {
                e[i] = new Edge(null, 0, v);
            }
        }
        edges = e;
        inputs = null;
        saved = null;
        versions = null;
        savedOutputs = null;
        pending = null;
        aux = null;
    }
}
