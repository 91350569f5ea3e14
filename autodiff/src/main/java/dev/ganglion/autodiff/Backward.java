package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Reductions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reverse walk: orders the nodes behind an output topologically (iteratively, so a long
 * recurrent unroll cannot overflow the stack), then runs each node's rule from {@link Gradients}
 * once all of its consumers have contributed, summing broadcast gradients back to each input's
 * shape (the one place this happens) and accumulating gradients of values used several times.
 *
 * <p>Each node is released right after its rule has run unless the graph is retained, so saved
 * activations are dropped while the walk proceeds.
 */
final class Backward {
    /**
     * Distinguishes walks: a node whose {@code mark} equals the current epoch was visited by this walk.
     * A {@code long}, shared by every thread, so that it never comes back to a new node's 0 (an
     * {@code int} wrapped after 2³² walks, and that walk then took every node as visited).
     */
    private static final AtomicLong EPOCH = new AtomicLong();

    /** Gradients w.r.t. {@code targets}, or null to accumulate into every leaf's {@code grad}. */
    private final Var[] targets;
    private final Tensor[] results;
    private final boolean retain;

    private Backward(Var[] targets, boolean retain) {
        this.targets = targets;
        this.results = targets == null ? null : new Tensor[targets.length];
        this.retain = retain;
    }

    /** Accumulates {@code seed·∂output/∂leaf} into the {@code grad} of every leaf that requires grad. */
    static void intoLeaves(Var output, Tensor seed, boolean retain) {
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("backward: the output does not require grad (no input of it "
                    + "requires grad, or it was computed under NoGrad)");
        }
        new Backward(null, retain).run(output, seed);
    }

    /** {@code seed·∂output/∂targets[k]} for each k, leaving every {@code grad} untouched. */
    static Tensor[] gradients(Var output, Tensor seed, boolean retain, Var[] targets) {
        Backward walk = new Backward(targets, retain);
        if (output.requiresGrad()) {
            walk.run(output, seed);
        }
        for (int k = 0; k < targets.length; k++) {
            // a leaf given twice collects its gradient at its first index only
            Tensor r = walk.results[walk.targetIndex(targets[k])];
            // a rule may hand the same tensor (or the seed, or a broadcast view) to several inputs: copy
            walk.results[k] = r == null ? targets[k].value().newZeros(targets[k].shape()) : r.to(targets[k].dtype()).copy();
        }
        return walk.results;
    }

    private void run(Var output, Tensor seed) {
        if (output.node == null) {
            deliver(output, seed);
            return;
        }
        ArrayList<Node> order = topologicalOrder(output.node);
        output.node.pending = new Tensor[output.node.outputs];
        output.node.pending[output.index] = seed;
        int i = order.size() - 1;
        try {
            for (; i >= 0; i--) {
                step(order.get(i));
                order.set(i, null);
            }
        } finally {
            for (; i >= 0; i--) {
                if (order.get(i) != null) {
                    order.get(i).pending = null;
                }
            }
        }
    }

    /** Post-order of the nodes behind {@code root}, by an explicit-stack depth-first search. */
    private ArrayList<Node> topologicalOrder(Node root) {
        long epoch = EPOCH.incrementAndGet();
        ArrayList<Node> order = new ArrayList<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        root.mark = epoch;
        root.cursor = 0;
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.peek();
            if (targets == null && n.released()) {
                throw n.freed();
            }
            if (n.cursor < n.arity()) {
                Node up = n.inputNode(n.cursor++);
                if (up != null && up.mark != epoch) {
                    up.mark = epoch;
                    up.cursor = 0;
                    stack.push(up);
                }
            } else {
                stack.pop();
                n.needed = targets == null || leadsToTarget(n);
                if (n.needed && n.released()) {
                    throw n.freed();   // a functional walk passes a spent part of the graph only if it asks nothing behind it
                }
                order.add(n);
            }
        }
        return order;
    }

    private boolean leadsToTarget(Node n) {
        for (int i = 0; i < n.arity(); i++) {
            Node up = n.inputNode(i);
            if (up != null ? up.needed || isTargetOutput(up, n.inputIndex(i)) : targetIndex(n.inputLeaf(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether output {@code index} of {@code node} is a target (the same test as {@link #targetIndex} on its Var). */
    private boolean isTargetOutput(Node node, int index) {
        for (Var t : targets) {
            if (t.node == node && t.index == index) {
                return true;
            }
        }
        return false;
    }

    /** Whether a gradient reaching {@code v} is of use: always for backward, else on the way to a target. */
    private boolean wanted(Var v) {
        return targets == null || targetIndex(v) >= 0 || (v.node != null && v.node.needed);
    }

    private int targetIndex(Var v) {
        if (targets != null) {
            for (int k = 0; k < targets.length; k++) {
                if (targets[k] == v) {
                    return k;
                }
            }
        }
        return -1;
    }

    /** Runs one node's rule and hands each input its gradient. */
    private void step(Node n) {
        Tensor[] pending = n.pending;
        n.pending = null;
        if (targets != null && pending != null) {
            captureOutputs(n, pending);
        }
        if (pending == null || !n.needed) {
            return; // no gradient reached this node, or nothing asked for lies behind it
        }
        n.checkSaved();
        // Rules may write a leaf's gradient straight into its kept .grad buffer (a weight gradient is
        // the largest temporary of a training step otherwise); functional grad(...) leaves .grad alone.
        Tensor[] grads = Gradients.backward(n, pending, targets == null);
        for (int i = 0; i < n.inputs.length; i++) {
            Var v = n.inputs[i];
            if (grads[i] != null && n.wants(i) && wanted(v)) {
                if (n.aux instanceof CustomContext && grads[i].dtype() != v.dtype()) {
                    throw new IllegalStateException("autodiff: the " + ruleName(n) + " produced a " + grads[i].dtype()
                            + " gradient for input " + i + ", a " + v.dtype() + " " + v.shape());
                }
                deliver(v, sumTo(grads[i], v.shape(), n));
            }
        }
        if (!retain) {
            n.release();
        }
    }

    /** For functional gradients of non-leaf targets: their gradient is complete when their node runs. */
    private void captureOutputs(Node n, Tensor[] pending) {
        for (int k = 0; k < targets.length; k++) {
            if (targets[k].node == n && pending[targets[k].index] != null) {
                results[k] = pending[targets[k].index];
            }
        }
    }

    /** Adds {@code g} to the gradient flowing into {@code v}. */
    private void deliver(Var v, Tensor g) {
        if (v.node != null) {
            Tensor[] p = v.node.pending;
            if (p == null) {
                p = v.node.pending = new Tensor[v.node.outputs];
            }
            p[v.index] = p[v.index] == null ? g : Elementwise.add(p[v.index], g);
        } else if (targets == null) {
            v.accumulate(g);
        } else {
            int k = targetIndex(v);
            if (k >= 0) {
                results[k] = results[k] == null ? g : Elementwise.add(results[k], g);
            }
        }
    }

    /**
     * Sums a gradient of a broadcast result back to the shape of the input it belongs to: over the
     * leading axes the input lacks and over the axes where the input has size 1.
     */
    static Tensor sumTo(Tensor g, Shape target, Node n) {
        Shape s = g.shape();
        if (s.equals(target)) {
            return g;
        }
        int lead = s.rank() - target.rank();
        if (lead < 0) {
            throw ruleBug(n, s, target);
        }
        int[] axes = new int[s.rank()];
        int count = 0;
        for (int a = 0; a < s.rank(); a++) {
            if (a < lead) {
                axes[count++] = a;
            } else if (target.dim(a - lead) != s.dim(a)) {
                if (target.dim(a - lead) != 1) {
                    throw ruleBug(n, s, target);
                }
                axes[count++] = a;
            }
        }
        Tensor summed = count == 0 ? g : Reductions.sum(g, true, Arrays.copyOf(axes, count));
        return summed.reshape(target.dims());
    }

    private static IllegalStateException ruleBug(Node n, Shape grad, Shape input) {
        return new IllegalStateException("autodiff: the " + ruleName(n) + " produced a gradient of shape " + grad
                + " that does not broadcast to its input's shape " + input);
    }

    private static String ruleName(Node n) {
        return n.aux instanceof CustomContext c ? "custom function " + c.name() + "'s backward" : n.op + " rule";
    }
}
