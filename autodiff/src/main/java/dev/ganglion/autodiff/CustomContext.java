package dev.ganglion.autodiff;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one application of a {@link CustomFunction} keeps between its forward and its backward:
 * saved tensors (version-checked like every built-in op's) and one free-form state object.
 * Released with the rest of the node once backward has run.
 */
public final class CustomContext {
    private final CustomFunction function;
    private final boolean[] needsGrad;
    private List<Tensor> toSave = new ArrayList<>();
    private Object state;
    private Node node;
    private Shape[] outShapes;
    private DType[] outTypes;
    /** During backward: whether the walk fills the leaves' {@code .grad} ({@link #leafGrad}). */
    private boolean intoLeaves;

    private CustomContext(CustomFunction function, boolean[] needsGrad) {
        this.function = function;
        this.needsGrad = needsGrad;
    }

    /** During forward: keeps tensors for backward (their current storage versions are recorded). */
    public void save(Tensor... tensors) {
        if (toSave == null) {
            throw new IllegalStateException(function.name() + ": save() is only allowed during forward");
        }
        toSave.addAll(Arrays.asList(tensors));
    }

    /**
     * During backward: saved tensor {@code i}.
     *
     * @throws IllegalStateException when it was written in place after the forward saved it
     */
    public Tensor saved(int i) {
        if (node == null) {
            throw new IllegalStateException(function.name() + ": saved() is only available during backward");
        }
        if (i < 0 || i >= node.savedCount()) {
            throw new IllegalArgumentException(function.name() + ": saved(" + i + ") but " + node.savedCount()
                    + " tensors were saved");
        }
        return node.saved(i);
    }

    /** Keeps any non-tensor value for backward (shapes, flags, index arrays). */
    public void setState(Object state) {
        this.state = state;
    }

    /** The value given to {@link #setState}, or null. */
    public Object state() {
        return state;
    }

    /**
     * A leaf input's kept gradient buffer, for a backward that writes the gradient there itself.
     *
     * @param buffer     contiguous, of the input's shape and dtype
     * @param accumulate add into it (it holds gradient already), else overwrite it (it stands for
     *                   zeros after an optimizer's {@code zeroGrad(false)})
     */
    public record LeafGrad(Tensor buffer, boolean accumulate) {}

    /**
     * During backward: input {@code i}'s kept {@code .grad} buffer, so that a fused op writes its
     * gradient there directly instead of returning a fresh tensor that the walk then adds (the
     * largest temporary of a training step, and a pass over it). Non-null only when input i is a
     * leaf that requires grad and has a kept contiguous buffer of its shape and dtype, in a
     * {@code backward()} (not a functional {@code grad(...)}), and the leaf is no other input of
     * this op. A caller that gets one must write input i's whole gradient into it (add when
     * {@link LeafGrad#accumulate}, else overwrite) and return null for input i.
     */
    public LeafGrad leafGrad(int i) {
        if (node == null) {
            throw new IllegalStateException(function.name() + ": leafGrad() is only available during backward");
        }
        checkInput("leafGrad", i);
        Var v = node.inputs[i];
        if (!intoLeaves || v == null || !needsGrad[i]) {
            return null;
        }
        for (int j = 0; j < node.inputs.length; j++) {
            if (j != i && node.inputs[j] == v) {
                return null; // two writers of one buffer could not tell which must overwrite
            }
        }
        return v.claimGradBuffer();
    }

    /**
     * During backward: a contiguous tensor of input {@code i}'s shape and dtype for the gradient that
     * backward returns for it, its values unspecified: backward must write every element. In a
     * {@code backward()} walk a float32 one is lent by the walk, which takes its storage back once
     * the gradient has been consumed and gives it to the next such call, warm in the cache, instead of
     * fresh memory ({@code GradientLoans} says when it does): so backward must not keep it, nor a view
     * of it, beyond returning it. Otherwise a new tensor.
     */
    public Tensor inputGradBuffer(int i) {
        if (node == null) {
            throw new IllegalStateException(function.name() + ": inputGradBuffer() is only available during backward");
        }
        checkInput("inputGradBuffer", i);
        Var v = node.inputs[i];
        return GradientLoans.inputGradBuffer(v.shape(), v.dtype());
    }

    /** Whether input {@code i} requires grad (backward may return null for the others). */
    public boolean needsInputGrad(int i) {
        checkInput("needsInputGrad", i);
        return needsGrad[i];
    }

    private void checkInput(String method, int i) {
        if (i < 0 || i >= needsGrad.length) {
            throw new IndexOutOfBoundsException(function.name() + ": " + method + "(" + i + ") but the op has "
                    + needsGrad.length + " inputs");
        }
    }

    /** Runs the forward on the input values and records one node (when grad mode and inputs call for it). */
    static Var[] apply(CustomFunction f, Var... inputs) {
        Graph.require(f.name(), inputs);
        boolean[] needs = new boolean[inputs.length];
        Tensor[] values = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = inputs[i].requiresGrad() && NoGrad.isGradEnabled();
            values[i] = inputs[i].value();
        }
        CustomContext ctx = new CustomContext(f, needs);
        Tensor[] outs = f.forward(ctx, values);
        if (outs == null || outs.length == 0 || Arrays.asList(outs).contains(null)) {
            throw new IllegalStateException(f.name() + ": forward must return at least one tensor and no nulls");
        }
        Tensor[] saved = ctx.toSave.toArray(Tensor[]::new);
        ctx.toSave = null;
        ctx.outShapes = new Shape[outs.length];
        ctx.outTypes = new DType[outs.length];
        for (int i = 0; i < outs.length; i++) {
            ctx.outShapes[i] = outs[i].shape();
            ctx.outTypes[i] = outs[i].dtype();
        }
        Var[] result = Graph.recordAll(Op.CUSTOM, outs, inputs, saved, null, ctx);
        ctx.node = result[0].node;
        return result;
    }

    /**
     * The {@link Op#CUSTOM} rule: zeros for outputs without a gradient, then the user's backward
     * ({@code intoLeaves}: see {@link #leafGrad}).
     */
    static Tensor[] backward(Node n, Tensor[] gradOutputs, boolean intoLeaves) {
        CustomContext ctx = (CustomContext) n.aux;
        ctx.intoLeaves = intoLeaves;
        Tensor[] g = new Tensor[gradOutputs.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = gradOutputs[i] != null ? gradOutputs[i] : Tensor.zeros(ctx.outShapes[i], ctx.outTypes[i]);
        }
        Tensor[] grads = ctx.function.backward(ctx, g);
        if (grads == null || grads.length != n.inputs.length) {
            throw new IllegalStateException(ctx.function.name() + ": backward returned "
                    + (grads == null ? "null" : grads.length + " gradients") + " for " + n.inputs.length + " inputs");
        }
        return grads;
    }

    /** The {@link Op#CUSTOM} rule as recorded ops ({@link CustomFunction#backwardGraph}), zeros for outputs without a gradient. */
    static Var[] backwardGraph(Node n, Var[] gradOutputs) {
        CustomContext ctx = (CustomContext) n.aux;
        Var[] g = new Var[gradOutputs.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = gradOutputs[i] != null ? gradOutputs[i] : Var.constant(Tensor.zeros(ctx.outShapes[i], ctx.outTypes[i]));
        }
        Var[] grads = ctx.function.backwardGraph(ctx, n.inputs.clone(), g);
        if (grads == null || grads.length != n.inputs.length) {
            throw new IllegalStateException(ctx.function.name() + ": backwardGraph returned "
                    + (grads == null ? "null" : grads.length + " gradients") + " for " + n.inputs.length + " inputs");
        }
        return grads;
    }

    /** The function's name, for errors raised by the walk. */
    String name() {
        return function.name();
    }
}
