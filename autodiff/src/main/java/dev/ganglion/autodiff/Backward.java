package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
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
 *
 * <p>The gradients are of carrier type {@code T}: tensors for an ordinary walk, recorded
 * {@link Var}s for one whose results are differentiable again ({@link GradAlgebra}).
 */
final class Backward<T> {
    /**
     * Distinguishes walks: a node whose {@code mark} equals the current epoch was visited by this walk.
     * A {@code long}, shared by every thread, so that it never comes back to a new node's 0 (an
     * {@code int} wrapped after 2³² walks, and that walk then took every node as visited).
     */
    private static final AtomicLong EPOCH = new AtomicLong();

    private final GradAlgebra<T> alg;
    /** Gradients w.r.t. {@code targets}, or null to accumulate into every leaf's {@code grad}. */
    private final Var[] targets;
    private final T[] results;
    private final boolean retain;
    /** Storage lent for input gradients ({@link GradientLoans}): in a tensor walk into the leaves only. */
    private final GradientLoans loans;

    private Backward(GradAlgebra<T> alg, Var[] targets, boolean retain) {
        this.alg = alg;
        this.targets = targets;
        this.results = targets == null ? null : alg.array(targets.length);
        this.retain = retain;
        this.loans = targets == null && alg == TensorAlgebra.INSTANCE ? new GradientLoans() : null;
    }

    /** Accumulates {@code seed·∂output/∂leaf} into the {@code grad} of every leaf that requires grad. */
    static void intoLeaves(Var output, Tensor seed, boolean retain) {
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("backward: the output does not require grad (no input of it "
                    + "requires grad, or it was computed under NoGrad)");
        }
        new Backward<>(TensorAlgebra.INSTANCE, null, retain).run(output, seed);
    }

    /** {@code seed·∂output/∂targets[k]} for each k, leaving every {@code grad} untouched. */
    static Tensor[] gradients(Var output, Tensor seed, boolean retain, Var[] targets) {
        Tensor[] r = walk(TensorAlgebra.INSTANCE, output, seed, retain, targets);
        for (int k = 0; k < r.length; k++) {
            // a rule may hand the same tensor (or the seed, or a broadcast view) to several inputs: copy
            r[k] = r[k] == null ? targets[k].value().newZeros(targets[k].shape()) : r[k].copy();
        }
        return r;
    }

    /**
     * {@link #gradients} as recorded Vars (the graph behind the output is kept: the results
     * reference it); a gradient that does not depend on anything that requires grad is a constant.
     */
    static Var[] gradientsGraph(Var output, Var seed, Var[] targets) {
        Var[] r = walk(VarAlgebra.INSTANCE, output, seed, true, targets);
        for (int k = 0; k < r.length; k++) {
            if (r[k] == null) {
                r[k] = Var.constant(targets[k].value().newZeros(targets[k].shape()));
            }
        }
        return r;
    }

    /** {@code seed·∂output/∂targets[k]} for each k in the carrier's type and the target's dtype; null where none arrived. */
    private static <T> T[] walk(GradAlgebra<T> alg, Var output, T seed, boolean retain, Var[] targets) {
        Backward<T> walk = new Backward<>(alg, targets, retain);
        if (output.requiresGrad()) {
            walk.run(output, seed);
        }
        T[] results = alg.array(targets.length);
        for (int k = 0; k < targets.length; k++) {
            // a leaf given twice collects its gradient at its first index only
            T r = walk.results[walk.targetIndex(targets[k])];
            results[k] = r == null ? null : alg.to(r, targets[k].dtype());
        }
        return results;
    }

    private void run(Var output, T seed) {
        if (output.node == null) {
            deliver(output, seed);
            return;
        }
        ArrayList<Node> order = topologicalOrder(output.node);
        output.node.pending = alg.array(output.node.outputs);
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
        @SuppressWarnings("unchecked") T[] pending = (T[]) n.pending;
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
        T[] grads = GradientLoans.during(loans, () -> Gradients.backward(alg, n, pending, targets == null));
        if (loans != null) {
            loans.consumed(n, pending, grads);
        }
        for (int i = 0; i < n.inputs.length; i++) {
            Var v = n.inputs[i];
            if (grads[i] != null && n.wants(i) && wanted(v)) {
                if (n.aux instanceof CustomContext && alg.value(grads[i]).dtype() != v.dtype()) {
                    throw new IllegalStateException("autodiff: the " + ruleName(n) + " produced a " + alg.value(grads[i]).dtype()
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
    private void captureOutputs(Node n, T[] pending) {
        for (int k = 0; k < targets.length; k++) {
            if (targets[k].node == n && pending[targets[k].index] != null) {
                results[k] = pending[targets[k].index];
            }
        }
    }

    /** Adds {@code g} to the gradient flowing into {@code v}. */
    private void deliver(Var v, T g) {
        if (v.node != null) {
            @SuppressWarnings("unchecked") T[] p = (T[]) v.node.pending;
            if (p == null) {
                p = alg.array(v.node.outputs);
                v.node.pending = p;
            }
            if (loans != null) {
                if (p[v.index] != null) {
                    loans.merged(p[v.index]);
                }
                loans.delivered(g, p[v.index] == null ? v.node : null);
            }
            p[v.index] = p[v.index] == null ? g : alg.add(p[v.index], g);
        } else if (targets == null) {
            v.accumulate(alg.value(g)); // only the tensor walk fills .grad
            if (loans != null) {
                loans.delivered(g, null); // accumulate copied it
            }
        } else {
            int k = targetIndex(v);
            if (k >= 0) {
                results[k] = results[k] == null ? g : alg.add(results[k], g);
            }
        }
    }

    /**
     * Sums a gradient of a broadcast result back to the shape of the input it belongs to: over the
     * leading axes the input lacks and over the axes where the input has size 1.
     */
    private T sumTo(T g, Shape target, Node n) {
        Shape s = alg.shape(g);
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
        T summed = count == 0 ? g : alg.sum(g, true, Arrays.copyOf(axes, count));
        return alg.reshape(summed, target.dims());
    }

    private static IllegalStateException ruleBug(Node n, Shape grad, Shape input) {
        return new IllegalStateException("autodiff: the " + ruleName(n) + " produced a gradient of shape " + grad
                + " that does not broadcast to its input's shape " + input);
    }

    private static String ruleName(Node n) {
        return n.aux instanceof CustomContext c ? "custom function " + c.name() + "'s backward" : n.op + " rule";
    }
}
